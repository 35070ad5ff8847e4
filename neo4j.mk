# Local Neo4j 5.26 Community server for dev and CI (no Docker needed).
# Included from the main Makefile. Needs Java 17+ and, the first time, Maven.
# See docs/neo4j.md. The server lives in .cache/neo4j (or $KG_NEO4J_HOME).

NEO4J_LOCAL ?= $(or $(PYTHON),python3) scripts/neo4j_local.py

.PHONY: neo4j-fetch neo4j-up neo4j-down neo4j-status neo4j-reset

neo4j-fetch: ## Download the Neo4j server jars from Maven Central (once)
	$(NEO4J_LOCAL) fetch

neo4j-up: ## Start the local Neo4j server and wait until it accepts the .env credentials
	$(NEO4J_LOCAL) up

neo4j-down: ## Stop the local Neo4j server
	$(NEO4J_LOCAL) down

neo4j-status: ## Is the local Neo4j server running? (exit 3 if not)
	$(NEO4J_LOCAL) status

neo4j-reset: ## Stop the local Neo4j server and delete its database (keeps the download)
	$(NEO4J_LOCAL) reset
