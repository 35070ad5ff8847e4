# Local Neo4j 5.26 Community server with Neo4j Browser and APOC, for dev and CI (no Docker).
# Included from the main Makefile: each target runs the venv's `kg neo4j ...`. Needs Java 17+
# and, the first time, Maven. See docs/neo4j.md. The server lives in .cache/neo4j (or $KG_NEO4J_HOME).

NEO4J_LOCAL ?= $(KG) neo4j

.PHONY: neo4j-fetch neo4j-up neo4j-down neo4j-status neo4j-reset

neo4j-fetch: install ## Download the Neo4j server, Browser and APOC from Maven Central (once)
	$(NEO4J_LOCAL) fetch

neo4j-up: install ## Start the local Neo4j server and wait until it accepts the .env credentials
	$(NEO4J_LOCAL) up

neo4j-down: install ## Stop the local Neo4j server
	$(NEO4J_LOCAL) down

neo4j-status: install ## Is the local Neo4j server running? (exit 3 if not)
	$(NEO4J_LOCAL) status

neo4j-reset: install ## Stop the local Neo4j server and delete its database (keeps the download)
	$(NEO4J_LOCAL) reset
