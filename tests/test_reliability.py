"""What a careless or hostile user does, done on purpose: concurrent loads, killed loads,
absurd inputs. Nothing may be lost silently, and every refusal is one line with a non-zero exit."""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.store.embedded import EmbeddedStore
from graph.store.neo4j import Neo4jStore

KG = str(Path(sys.executable).with_name("kg"))


def _env(home: Path) -> dict[str, str]:
    return {"PATH": str(Path(sys.executable).parent), "HOME": str(home), "LANG": "C.UTF-8"}


def _kg(store: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KG, "--store", str(store), *args], capture_output=True, text=True, env=_env(store.parent), timeout=timeout)


def _listing(path: Path, titles: list[str], baseline: str = "vLLM") -> Path:
    entries = [f"{t}\n\nWe present {t.split(':')[0]}, which outperforms {baseline} by 2x on A100 GPUs." for t in titles]
    path.write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    return path


def _papers(store: Path) -> dict[str, dict]:
    """The stored papers read from listings (not the catalogue's origin stubs, which have no
    sources), as a new process reading the store sees them."""
    return {n.properties["title"]: n.properties for n in EmbeddedStore(store).nodes() if n.label.value == "Paper" and n.properties.get("sources")}


def test_two_embedded_loads_at_once_lose_nothing(tmp_path: Path) -> None:
    a = _listing(tmp_path / "a.txt", ["Alder: Paged Serving", "Common: A Shared Scheduler"])
    b = _listing(tmp_path / "b.txt", ["Birch: Tiled Kernels", "Common: A Shared Scheduler"], baseline="SGLang")
    for round_ in range(10):
        store = tmp_path / f"kg{round_}"
        procs = [subprocess.Popen([KG, "--store", str(store), "load", "-q", str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path)) for f in (a, b)]
        for p in procs:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
        papers = _papers(store)
        assert set(papers) == {"Alder: Paged Serving", "Birch: Tiled Kernels", "Common: A Shared Scheduler"}, round_
        assert {s.split(":")[0] for s in papers["Common: A Shared Scheduler"]["sources"]} == {"a.txt", "b.txt"}, round_
        assert not list(store.glob(".graph-*"))


def test_a_load_killed_at_any_moment_leaves_the_old_graph_or_the_new_one(tmp_path: Path) -> None:
    small = _listing(tmp_path / "small.txt", ["Alder: Paged Serving"])
    big = _listing(tmp_path / "big.txt", [f"Paper{i}: A System Number {i}" for i in range(2000)])
    rng = random.Random(7)
    for round_ in range(3):
        store = tmp_path / f"kg{round_}"
        assert _kg(store, "load", "-q", str(small)).returncode == 0
        old = set(_papers(store))
        proc = subprocess.Popen([KG, "--store", str(store), "load", "-q", str(big)], env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        papers = set(_papers(store))  # the store opens, and is one graph or the other
        assert papers == old or len(papers) == 2001, (round_, len(papers))
        assert not list(store.glob(".graph-*")), "the next command cleans up after a killed save"


@pytest.mark.neo4j
def test_two_neo4j_loads_at_once_lose_nothing(neo: Neo4jStore, neo4j_settings: Settings, tmp_path: Path) -> None:
    a = _listing(tmp_path / "a.txt", ["Alder: Paged Serving", "Common: A Shared Scheduler"])
    b = _listing(tmp_path / "b.txt", ["Birch: Tiled Kernels", "Common: A Shared Scheduler"], baseline="SGLang")
    for round_ in range(10):
        neo.clear()
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def load(path: Path) -> None:
            try:
                with KnowledgeGraph.open(neo4j_settings) as kg:
                    barrier.wait()
                    kg.load([path])
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(f,)) for f in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        papers = {n.properties["title"]: n.properties for n in neo.nodes() if n.label.value == "Paper" and n.properties.get("sources")}
        assert set(papers) == {"Alder: Paged Serving", "Birch: Tiled Kernels", "Common: A Shared Scheduler"}, round_
        assert {s.split(":")[0] for s in papers["Common: A Shared Scheduler"]["sources"]} == {"a.txt", "b.txt"}, round_
        compares = {r.end for r in neo.relationships() if r.type.value == "COMPARES_TO" and r.start == "paper:commonasharedscheduler"}
        assert compares == {"system:vllm", "system:sglang"}, round_
    neo.clear()


def test_a_held_lock_makes_a_second_writer_wait_then_fail_clearly(tmp_path: Path) -> None:
    from graph.store.lock import exclusive

    store = tmp_path / "kg"
    a = _listing(tmp_path / "a.txt", ["Alder: Paged Serving"])
    with exclusive(store):
        env = {**_env(tmp_path), "KG_LOCK_TIMEOUT": "1"}
        started = time.monotonic()
        out = subprocess.run([KG, "--store", str(store), "load", "-q", str(a)], capture_output=True, text=True, env=env, timeout=60)
        assert time.monotonic() - started < 30
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert lines[0].startswith("waiting for another kg process")
    assert lines[-1].startswith("error: ") and "still being written" in lines[-1] and len(lines) == 2
    assert "Traceback" not in out.stderr
    assert _kg(store, "load", "-q", str(a)).returncode == 0  # free again once the holder is gone


TITLES = [
    "深度学习推理系统的内存管理: 一项研究",
    "大模型推理的调度: 系统设计",
    "Распределённое обучение больших моделей: обзор",
    "Μεταγλωττιστές για επιταχυντές: μια μελέτη",
    "Ünïcödé Kernels: Fusion on Édge Devices",
    "Unicode Kernels: Fusion on Edge Devices",
]


def _unicode_listings(tmp_path: Path) -> list[Path]:
    one = _listing(tmp_path / "one.txt", TITLES)
    # the same papers again, typed differently: case, NFKC-equivalent forms, punctuation
    two = _listing(tmp_path / "two.txt", ["ÜNÏCÖDÉ KERNELS — FUSION ON ÉDGE DEVICES", "深度学习推理系统的内存管理：一项研究"])
    return [one, two]


def test_titles_in_every_script_load_one_paper_each(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    out = _kg(store, "load", "-q", *map(str, _unicode_listings(tmp_path)))
    assert out.returncode == 0, out.stderr
    papers = _papers(store)
    assert set(papers) == set(TITLES)
    assert len(papers["Ünïcödé Kernels: Fusion on Édge Devices"]["sources"]) == 2
    assert len(papers["深度学习推理系统的内存管理: 一项研究"]["sources"]) == 2


def test_a_store_written_with_ascii_only_keys_is_rekeyed_when_read(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    store.mkdir()
    old = {"key": "paper:ncdkernelsfusionondgedevices", "label": "Paper", "properties": {"title": TITLES[4], "sources": ["old.txt:1"]}}
    (store / "graph.json").write_text(json.dumps({"format": "mlsys-kg", "version": 1, "nodes": [old], "relationships": []}), encoding="utf-8")
    assert _kg(store, "load", "-q", str(_listing(tmp_path / "one.txt", TITLES))).returncode == 0
    papers = _papers(store)
    assert set(papers) == set(TITLES)
    assert papers[TITLES[4]]["sources"][0] == "old.txt:1" and len(papers[TITLES[4]]["sources"]) == 2


@pytest.mark.neo4j
def test_titles_in_every_script_load_one_paper_each_on_neo4j(neo: Neo4jStore, neo4j_settings: Settings, tmp_path: Path) -> None:
    neo.clear()
    with neo.driver.session(database=neo.database) as session:  # a paper loaded under the old key
        session.run("CREATE (:Paper {key: 'paper:ncdkernelsfusionondgedevices', title: $t, sources: ['old.txt:1']})", t=TITLES[4]).consume()
    with KnowledgeGraph.open(neo4j_settings) as kg:
        kg.load(_unicode_listings(tmp_path))
    papers = {n.properties["title"]: n.properties for n in neo.nodes() if n.label.value == "Paper" and n.properties.get("sources")}
    assert set(papers) == set(TITLES)
    assert len(papers[TITLES[4]]["sources"]) == 3  # the old load's, and both listings'
    neo.clear()


def _refused(store: Path, path: Path | str, reason: str, limit: float = 5.0) -> None:
    started = time.monotonic()
    out = _kg(store, "load", "-q", str(path), timeout=60)
    assert time.monotonic() - started < limit, "refused too slowly"
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0] and reason in lines[0], out.stderr
    assert not (store / "graph.sqlite").exists(), "nothing was written"


def test_absurd_inputs_are_refused_in_one_line_within_seconds(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    huge_line = tmp_path / "one-line.txt"
    with huge_line.open("w", encoding="utf-8") as fh:
        fh.write("Title: A Paper\n\n" + "word " * 2_100_000 + "\n")  # a 10 MB line
    _refused(store, huge_line, "over the 1,000,000-character limit")
    _refused(store, "/dev/zero", "not a regular file")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _refused(store, fifo, "not a regular file")  # never opened, so never waits for a writer
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    _refused(store, empty_dir, "no listing files")


def test_a_long_abstract_still_loads_and_utf16_text_is_read(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    long = tmp_path / "long.txt"
    sentence = "We present Longform, which outperforms vLLM by 2x on A100 GPUs while using PagedAttention. "
    long.write_text("Longform: A Long Abstract\n\n" + sentence * (300_000 // len(sentence)) + "\n", encoding="utf-8")
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text("Sixteen: A Wide Listing\n\nWe present Sixteen, which outperforms SGLang by 3x on H100 GPUs.\n", encoding="utf-16")
    out = _kg(store, "load", "-q", str(long), str(utf16))
    assert out.returncode == 0, out.stderr
    assert set(_papers(store)) == {"Longform: A Long Abstract", "Sixteen: A Wide Listing"}


def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from loaders.listing import ListingError, read_listing

    locked = _listing(tmp_path / "locked.txt", ["Alder: Paged Serving"])

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)  # as for a user without the right to read it (root reads all)
    with pytest.raises(ListingError, match=r"locked\.txt: cannot read \(Permission denied\)"):
        read_listing(locked)


def test_export_never_overwrites_the_store_and_a_failed_one_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from graph.cli import main

    store = tmp_path / "kg"
    assert _kg(store, "load", "-q", str(_listing(tmp_path / "a.txt", ["Alder: Paged Serving"]))).returncode == 0
    for target in (store / "graph.sqlite", store / "sub" / "x.jsonl", Path("/dev/null")):
        out = _kg(store, "export", "-o", str(target))
        assert out.returncode == 1 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert Path("/dev/null").is_char_device()
    assert set(_papers(store)) == {"Alder: Paged Serving"}  # the store still opens, unchanged
    old = tmp_path / "old.jsonl"
    old.write_text("the previous export\n", encoding="utf-8")

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    result = CliRunner().invoke(main, ["--store", str(store), "export", "-o", str(old)])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert old.read_text(encoding="utf-8") == "the previous export\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_credentials_in_neo4j_uri_are_never_printed(tmp_path: Path) -> None:
    for uri in ("bolt://neo4j:s3cret-pass@127.0.0.1:1", "bolt://neo4j:s3cret-pass@127.0.0.1:port", "http://neo4j:s3cret-pass@host:1"):
        env = {**_env(tmp_path), "NEO4J_URI": uri}
        out = subprocess.run([KG, "--backend", "neo4j", "stats"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert out.returncode == 2 and "s3cret" not in out.stdout + out.stderr, out.stderr
        assert out.stderr.startswith("error: NEO4J_URI='") and "***@" in out.stderr and len(out.stderr.strip().splitlines()) == 1


@pytest.mark.neo4j
def test_the_local_servers_password_files_are_the_owners_alone() -> None:
    from graph.neo4j_local.server import LocalNeo4j

    auth = list((LocalNeo4j.from_env().layout.data / "dbms").glob("auth*"))
    assert auth, "the local server keeps its initial password in data/dbms/auth.ini"
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in auth)


def test_a_parameter_out_of_range_is_refused_before_any_backend_runs_it(tmp_path: Path) -> None:
    from queries.catalog import QueryError

    store = tmp_path / "kg"
    assert _kg(store, "load", "-q", str(_listing(tmp_path / "a.txt", ["Alder: Paged Serving"]))).returncode == 0
    kg = KnowledgeGraph.open(Settings(store=store))
    for bad in (0, -1, 10**23):
        with pytest.raises(QueryError, match="must be from 1 to 100000"):
            kg.query("most-compared", limit=bad)


@pytest.mark.neo4j
def test_a_parameter_out_of_range_is_refused_the_same_on_neo4j(neo4j_settings: Settings, neo: Neo4jStore) -> None:
    from queries.catalog import QueryError

    with KnowledgeGraph.open(neo4j_settings) as kg:
        for bad in (0, -1, 10**23):
            with pytest.raises(QueryError, match="must be from 1 to 100000"):
                kg.query("most-compared", limit=bad)


def _graph(store: Path) -> tuple[set[str], set[tuple[str, str, str]]]:
    s = EmbeddedStore(store)
    return {n.key for n in s.nodes()}, {r.key for r in s.relationships()}


def test_unloading_a_file_leaves_what_loading_the_rest_would_have_built(tmp_path: Path) -> None:
    from conftest import FIXTURES

    listings = sorted(FIXTURES.glob("*.txt"))
    both, rest = tmp_path / "both", tmp_path / "rest"
    assert _kg(both, "load", "-q", *map(str, listings)).returncode == 0
    assert _kg(rest, "load", "-q", *map(str, listings[1:])).returncode == 0
    out = _kg(both, "unload", listings[0].name)
    assert out.returncode == 0 and out.stdout.startswith(f"Unloaded {listings[0].name}: "), out.stderr
    assert _graph(both) == _graph(rest)
    assert all(not any(s.startswith(listings[0].name + ":") for s in n.properties.get("sources", [])) for n in EmbeddedStore(both).nodes())
    again = _kg(both, "unload", listings[0].name)
    assert again.returncode == 1 and "cites none of" in again.stderr


@pytest.mark.neo4j
def test_unloading_on_neo4j_matches_the_embedded_store(neo: Neo4jStore, neo4j_settings: Settings, tmp_path: Path) -> None:
    from conftest import FIXTURES

    listings = sorted(FIXTURES.glob("*.txt"))
    neo.clear()
    with KnowledgeGraph.open(neo4j_settings) as kg:
        kg.load(listings)
        kg.unload([listings[0]])
    embedded = tmp_path / "kg"
    assert _kg(embedded, "load", "-q", *map(str, listings[1:])).returncode == 0
    nodes, rels = _graph(embedded)
    assert {n.key for n in neo.nodes()} == nodes and {r.key for r in neo.relationships()} == rels
    neo.clear()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 KB tmpfs, where the machine lets us mount one (root, and a kernel that allows it)."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(where)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'not root'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_fails_the_load_in_one_line_and_keeps_the_store(tmp_path: Path, small_disk: Path) -> None:
    store = small_disk / "kg"
    assert _kg(store, "load", "-q", str(_listing(tmp_path / "a.txt", ["Alder: Paged Serving"]))).returncode == 0
    before = (store / "graph.sqlite").read_bytes()
    big = _listing(tmp_path / "big.txt", [f"Paper{i}: A System Number {i}" for i in range(600)])
    out = _kg(store, "load", "-q", str(big))
    assert out.returncode == 1 and "disk is full" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert (store / "graph.sqlite").read_bytes() == before
    assert sorted(p.name for p in store.iterdir()) == [".lock", "graph.sqlite"]
    page = _kg(store, "viz", "-o", str(small_disk / "page.html"))  # an output too big for the disk
    assert page.returncode == 1 and "No space left on device" in page.stderr
    assert not [p for p in small_disk.iterdir() if p.name.endswith(".tmp")]


def test_parallel_extraction_builds_the_same_graph(tmp_path: Path) -> None:
    from loaders.pipeline import MIN_PARALLEL_ENTRIES

    listing = _listing(tmp_path / "many.txt", [f"Paper{i}: A System Number {i}" for i in range(MIN_PARALLEL_ENTRIES + 100)])
    from conftest import FIXTURES

    files = [str(listing), *map(str, sorted(FIXTURES.glob("*.txt")))]
    one, two = tmp_path / "one", tmp_path / "two"
    assert _kg(one, "load", "-q", "--jobs", "1", *files).returncode == 0
    assert _kg(two, "load", "-q", "--jobs", "2", *files).returncode == 0
    assert _kg(one, "export").stdout == _kg(two, "export").stdout


def _entries_sharing_a_key() -> list[list[str]]:
    """Names of catalogue entries whose nodes share a key (a key drops '#' and '+')."""
    from collections import defaultdict

    from graph.model import entity_key
    from loaders.catalogue import load_catalogue

    by_key: dict[str, list[str]] = defaultdict(list)
    for entry in load_catalogue():
        by_key[entity_key(entry.label, entry.name)].append(entry.name)
    return [names for names in by_key.values() if len(names) > 1]


def test_parallel_extraction_is_the_same_when_papers_name_entries_that_share_a_node(tmp_path: Path) -> None:
    """One node for two catalogue names: which name a batch saw first must not change the
    catalogue's origin papers the load adds for it (it did, with --jobs 2 against --jobs 1)."""
    from loaders.pipeline import MIN_PARALLEL_ENTRIES

    shared = _entries_sharing_a_key()
    assert shared, "the catalogue has no two entries with one key: this test no longer tests anything"
    listing = tmp_path / "many.txt"
    entries = []
    for i in range(MIN_PARALLEL_ENTRIES + 100):
        names = shared[i % len(shared)]
        baseline = names[-1] if i < len(shared) else names[i // len(shared) % len(names)]  # the last name first
        entries.append(f"Paper{i}: A System Number {i}\n\nWe present Paper{i}, which outperforms {baseline} by 2x on A100 GPUs.")
    listing.write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    assert _kg(one, "load", "-q", "--jobs", "1", str(listing)).returncode == 0
    assert _kg(two, "load", "-q", "--jobs", "2", str(listing)).returncode == 0
    assert _kg(one, "export").stdout == _kg(two, "export").stdout


@pytest.mark.skipif(not Path(__file__).resolve().parents[2].joinpath("shared", "seeds").is_dir(), reason="../shared/seeds is not beside the checkout")
def test_parallel_extraction_of_the_seeds_builds_the_same_graph(tmp_path: Path) -> None:
    seeds = str(Path(__file__).resolve().parents[2] / "shared" / "seeds")
    one, two = tmp_path / "one", tmp_path / "two"
    assert _kg(one, "load", "-q", "--jobs", "1", seeds).returncode == 0
    assert _kg(two, "load", "-q", "--jobs", "2", seeds).returncode == 0
    assert _kg(one, "export").stdout == _kg(two, "export").stdout


@pytest.mark.neo4j
def test_a_big_neo4j_load_in_many_transactions_stopped_midway_converges_when_run_again(
    neo: Neo4jStore, neo4j_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graph.store.neo4j_write as neo4j_load
    from conftest import FIXTURES

    listings = sorted(FIXTURES.glob("*.txt"))
    embedded = tmp_path / "kg"
    assert _kg(embedded, "load", "-q", *map(str, listings)).returncode == 0
    want_nodes, want_rels = _graph(embedded)
    monkeypatch.setattr(neo4j_load, "TX_ITEMS", 25)  # the fixtures' graph in a dozen transactions
    neo.clear()
    real_merge, calls = Neo4jStore._merge, []

    def stopped(self: Neo4jStore, tx: object, batch: object, known: object) -> object:
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt  # the user gives up, or the machine goes down, midway
        return real_merge(self, tx, batch, known)  # type: ignore[arg-type]

    monkeypatch.setattr(Neo4jStore, "_merge", stopped)
    with KnowledgeGraph.open(neo4j_settings) as kg, pytest.raises(KeyboardInterrupt):
        kg.load(listings)
    assert 0 < len(neo.nodes()) < len(want_nodes)  # three transactions were committed
    monkeypatch.setattr(Neo4jStore, "_merge", real_merge)
    with KnowledgeGraph.open(neo4j_settings) as kg:
        kg.load(listings)
    assert {n.key for n in neo.nodes()} == want_nodes and {r.key for r in neo.relationships()} == want_rels
    assert not [n for n in neo.nodes() if "_kg_lock" in n.properties or "_kg_new" in n.properties]
    neo.clear()
