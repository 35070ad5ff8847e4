"""The curated catalogue of well-known systems, hardware and techniques.

The catalogue is data: every ``*.toml`` file in the ``catalogue/`` folder next to this module
holds an array of tables ``[[entity]]``, one per entity::

    [[entity]]
    name = "A100"                  # canonical display name (required)
    label = "Hardware"             # System | Hardware | Technique (required)
    kind = "gpu"                   # short lowercase kebab word (required); "class" for hardware classes
    aliases = ["A100 80GB"]        # other surface forms (optional)
    vendor = "NVIDIA"              # optional
    class = "GPU"                  # hardware products only: the canonical name of a class entry
    devices = "GPU"                # architectures and machines instead of a class (see below)
    case_sensitive = true          # optional: match only as written (names that are common words)
    context = ["NVIDIA", "GPU"]    # optional: match only when the text also mentions one of these
    variant_of = "FlashAttention"  # optional: the family this entry is a version of
    origin = { arxiv = "2205.14135", title = "FlashAttention: Fast and ..." }  # optional: the paper
                                   # that introduced it (arxiv and/or doi, title; year = the arXiv id's
                                   # unless given)

An entry whose name is another entry's name plus a version ("FlashAttention-2", "Llama 3.1",
"YOLOv8") is a variant of that entry without saying so; ``variant_of`` names a family the name does
not show. Hardware products have a class instead (``IS_A``), so they have no family.

Hardware entries of kind ``class`` are the hardware classes (GPU, CPU, FPGA, ...). What else a
hardware entry is decides what it says about a class:

- A **product** (A100, TPU v4, Sapphire Rapids, Jetson Nano, Frontier) is a device of one class and
  names it in ``class``: it ``IS_A`` that class, and "the products of the GPU class" lists it.
- An **architecture** (Hopper, Ampere, Volta, CDNA, Skylake: a design many products implement) or a
  **machine that holds devices** (DGX H100, HGX A100, GB200 NVL72, Cerebras CS-2, IPU-M2000, AWS F1,
  Project Catapult) is no device of a class, so it has no ``class`` and no ``IS_A``; it names the
  class of the devices it is built on or holds in ``devices``. Its kind is one of
  :data:`DEVICES_KINDS`, which must use ``devices``; an entry of another kind may too.
- **Interconnects, memories, instruction sets and their extensions, and hardware units** such as
  Tensor Cores (the kinds :data:`CLASSLESS_KINDS`) have neither: a work does not run on NVLink.

What a researcher expects of "papers targeting GPU": every paper that runs on GPUs, so a paper on
"Hopper GPUs", "the Hopper architecture" or "a DGX H100 node" is one, and it targets GPU as a
product's paper does (``via`` names the architecture or the machine; :meth:`Catalogue.implied_class`).
But Hopper and a DGX H100 are not listed among the GPU products, and a machine does not stand for
the chips it holds: "papers targeting H100" lists the papers whose text names H100s (a DGX-1 held
P100s or V100s, so the name alone cannot say). One real thing is one entry, and a chip and the
machine built of it are two (GB200 and GB200 NVL72, D1 chip and Dojo); a name written after its
vendor's ("SambaNova SN40L") is the entry's (:mod:`loaders.linking`), not a new artifact.

Systems and techniques: a ``System`` is one artifact, something you install, load or run (an
engine, framework, library, compiler, runtime, simulator, a model), or one paper's method as
published and compared against (GPTQ, SparseGPT, Medusa, DARTS). A ``Technique`` is a way of doing
things that many systems implement: a family (quantization, pipeline parallelism), a number format,
a kernel algorithm, and the optimizers and training algorithms every training stack plugs in (SGD,
Adam, AdamW, LAMB, PPO, DPO, GRPO). A technique named by a proper name is still compared against
("faster than AdamW").

Extending the catalogue: ``load_catalogue(extra_dirs=[...])`` reads the shipped files first, then
every ``*.toml`` of each extra directory in the order given (files sorted by name). An entry whose
label matches an entity already loaded and whose name equals (after :func:`fold_key`) that entity's
name or one of its aliases *extends* it: ``aliases`` and ``context`` are appended, every other field
the entry sets (kind, vendor, class, devices, case_sensitive) overrides the earlier value (setting
``class`` drops an earlier ``devices`` and the other way round), and the earlier canonical name is
kept. Any other entry is a new entity. Within one directory the same entity may be defined only
once: a second definition there is an error, as it is almost always a data mistake.

Every problem is raised as :class:`CatalogueError` with a one-line message naming the file and the
entry: invalid TOML, an unknown key or label, a bad kind, a hardware product whose class (or a
machine whose ``devices``) names no class entry, a class entry with a class, an architecture or a
machine with a class, an entry with both, and a surface form (name or alias, compared with
:func:`fold_key`) claimed by two different entities, whatever their labels and files.

>>> cat = load_catalogue()
>>> cat.get("flash attention 2").name
'FlashAttention-2'
>>> cat.get("NVIDIA A100 80GB") is None, cat.get("A100 80GB").hw_class
(True, 'GPU')
>>> hopper = cat.get("Hopper")
>>> hopper.hw_class, hopper.devices, cat.implied_class(hopper).name
(None, 'GPU', 'GPU')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from graph.lookup import fold_key
from graph.model import Label, entity_key

__all__ = [
    "CATALOGUE_DIR",
    "CLASS_KIND",
    "CLASSLESS_KINDS",
    "DEVICES_KINDS",
    "Catalogue",
    "CatalogueEntry",
    "CatalogueError",
    "Origin",
    "fold_key",
    "load_catalogue",
]

CATALOGUE_DIR = Path(__file__).parent / "catalogue"

CLASS_KIND = "class"
#: Hardware kinds that carry no class: they are not devices a work runs on.
CLASSLESS_KINDS = frozenset(
    {CLASS_KIND, "interconnect", "memory", "isa", "isa-extension", "hardware-unit"}
)
#: Hardware kinds that are no device of a class but name the class of their devices (``devices``):
#: architectures and machines that hold devices (servers, racks, appliances, cloud instances).
DEVICES_KINDS = frozenset(
    {"microarchitecture", "gpu-server", "accelerator-system", "fpga-instance", "fpga-platform"}
)

_ENTITY_LABELS = (Label.SYSTEM, Label.HARDWARE, Label.TECHNIQUE)
_KIND_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOML_KEYS = frozenset(
    {"name", "label", "kind", "aliases", "vendor", "class", "devices", "case_sensitive", "context", "variant_of", "origin"}
)
_VERSION_SUFFIX = re.compile(r"[\s-]*v?\d+(?:\.\d+)*$", re.IGNORECASE)
_LIST_KEYS = ("aliases", "context")
_EITHER_KEYS = ("class", "devices")  # an extension setting one drops the other


class CatalogueError(ValueError):
    """A catalogue file or entry is invalid; the message names the file and the entry."""


def _clean_strings(values: Any, what: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise ValueError(f"{what} must be a list of strings, not a string")
    out: list[str] = []
    for value in values or ():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{what} must hold non-empty strings, got {value!r}")
        out.append(" ".join(value.split()))
    return tuple(out)


class Origin(BaseModel):
    """The paper that introduced an entry: facts, so only ids known for certain are written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1)
    arxiv: str | None = None
    doi: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    at: str = ""  # "catalogue/systems.toml:23": where the catalogue says so (set by the loader)

    @model_validator(mode="after")
    def _ids(self) -> Origin:
        from graph.model import arxiv_id, doi

        if self.arxiv is None and self.doi is None:
            raise ValueError("origin needs an arxiv id or a doi")
        updates: dict[str, Any] = {}
        if self.arxiv is not None:
            updates["arxiv"] = arxiv_id(self.arxiv)
            if self.year is None and re.fullmatch(r"[0-9]{4}\.[0-9]+", updates["arxiv"]):
                updates["year"] = 2000 + int(updates["arxiv"][:2])
        if self.doi is not None:
            updates["doi"] = doi(self.doi)
        for name, value in updates.items():
            object.__setattr__(self, name, value)
        return self


class CatalogueEntry(BaseModel):
    """One curated entity. ``hw_class`` is the TOML key ``class``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    label: Label
    kind: str
    aliases: tuple[str, ...] = ()
    vendor: str | None = None
    hw_class: str | None = Field(default=None, alias="class")
    devices: str | None = None  # architectures and machines: the class of the devices they hold
    case_sensitive: bool = False
    context: tuple[str, ...] = ()
    variant_of: str | None = None
    origin: Origin | None = None
    sources: tuple[str, ...] = ()  # the files that defined or extended the entry (set by the loader)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value or not fold_key(value):
            raise ValueError("name must contain a letter or digit")
        return value

    @field_validator("label")
    @classmethod
    def _label(cls, value: Label) -> Label:
        if value not in _ENTITY_LABELS:
            raise ValueError(
                f"label must be one of {', '.join(l.value for l in _ENTITY_LABELS)}, not {value.value}"
            )
        return value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if not _KIND_RE.match(value):
            raise ValueError(f"kind must be a lowercase kebab word like 'inference-engine', not {value!r}")
        return value

    @field_validator("vendor", "hw_class", "devices", "variant_of")
    @classmethod
    def _optional_text(cls, value: str | None) -> str | None:
        if value is not None:
            value = " ".join(value.split())
            if not value:
                raise ValueError("must not be empty when given")
        return value

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        # Aliases that fold to the name or to an earlier alias add nothing: they are dropped.
        seen = {fold_key(info.data.get("name") or "")}
        kept = []
        for alias in _clean_strings(value, "aliases"):
            key = fold_key(alias)
            if key and key not in seen:
                seen.add(key)
                kept.append(alias)
        return tuple(kept)

    @field_validator("context", mode="before")
    @classmethod
    def _context(cls, value: Any) -> tuple[str, ...]:
        return _clean_strings(value, "context")

    @model_validator(mode="after")
    def _consistent(self) -> CatalogueEntry:
        if self.label is not Label.HARDWARE:
            if self.hw_class is not None or self.devices is not None:
                key = "a class" if self.hw_class is not None else "devices"
                raise ValueError(f"only Hardware entries have {key} ({self.label.value} has {key})")
        elif self.variant_of is not None:
            raise ValueError("Hardware entries have a class, not a family (variant_of)")
        elif self.kind in CLASSLESS_KINDS:
            if self.hw_class is not None or self.devices is not None:
                what = "a hardware class entry" if self.kind == CLASS_KIND else f"hardware of kind {self.kind!r}"
                raise ValueError(f"{what} must have neither a class nor devices")
        elif self.hw_class is not None and self.devices is not None:
            raise ValueError("a class (a product of it) or devices (an architecture or a machine), not both")
        elif self.kind in DEVICES_KINDS and self.devices is None:
            raise ValueError(
                f"hardware of kind {self.kind!r} is no product of a class: name the class of its devices "
                f"in devices{' instead of class' if self.hw_class else ''}"
            )
        elif self.hw_class is None and self.devices is None:
            raise ValueError(
                f"hardware of kind {self.kind!r} needs a class, or devices for an architecture or a machine "
                f"(or a kind among {', '.join(sorted(CLASSLESS_KINDS - {CLASS_KIND}))})"
            )
        return self

    @property
    def is_class(self) -> bool:
        return self.label is Label.HARDWARE and self.kind == CLASS_KIND

    @property
    def surface_forms(self) -> tuple[str, ...]:
        """The name followed by the aliases."""
        return (self.name, *self.aliases)


class Catalogue:
    """The loaded entries with lookup by name or alias. Treat it as read-only."""

    def __init__(self, entries: Iterable[CatalogueEntry]):
        self.entries: list[CatalogueEntry] = list(entries)
        self._exact: dict[str, CatalogueEntry] = {}
        self._folded: dict[str, CatalogueEntry] = {}
        self._by_key: dict[str, list[CatalogueEntry]] | None = None
        for entry in self.entries:
            for form in entry.surface_forms:
                self._exact.setdefault(form.casefold(), entry)
                self._folded.setdefault(fold_key(form), entry)

    def get(self, name_or_alias: str, label: Label | str | None = None) -> CatalogueEntry | None:
        """The entry with this name or alias, case-insensitively; ``None`` if there is none.

        An exact (case-folded) match is tried first, then a match ignoring punctuation and spaces
        (``fold_key``), which is unambiguous because the loader rejects colliding surface forms,
        and last the same without a plural "s" ("GPUs" finds "GPU").
        """
        text = " ".join(name_or_alias.split())
        key = fold_key(text)
        entry = self._exact.get(text.casefold()) or self._folded.get(key)
        if entry is None and len(key) > 2 and key.endswith("s"):
            entry = self._folded.get(key[:-1])
        if entry is not None and label is not None and entry.label != Label(label):
            return None
        return entry

    def family_of(self, entry: CatalogueEntry) -> CatalogueEntry | None:
        """The entry ``entry`` is a version of: its ``variant_of``, or its name less a version.

        >>> cat = load_catalogue()
        >>> cat.family_of(cat.get("FlashAttention-2")).name, cat.family_of(cat.get("FlashAttention"))
        ('FlashAttention', None)
        """
        if entry.label is Label.HARDWARE:
            return None
        if entry.variant_of is not None:
            return self.get(entry.variant_of, entry.label)
        stem = _VERSION_SUFFIX.sub("", entry.name)
        if stem == entry.name or len(fold_key(stem)) < 2:
            return None
        family = self._folded.get(fold_key(stem))
        return family if family is not None and family is not entry and family.label == entry.label else None

    def with_key(self, key: str) -> list[CatalogueEntry]:
        """The entries whose node has this key (:func:`graph.model.entity_key`), in catalogue order:
        more than one where names differ only in what a key drops ("QuIP", "QuIP#").

        >>> [e.name for e in load_catalogue().with_key("system:vllm")]
        ['vLLM']
        """
        if self._by_key is None:
            self._by_key = {}
            for entry in self.entries:
                self._by_key.setdefault(entity_key(entry.label, entry.name), []).append(entry)
        return self._by_key.get(key, [])

    def classes(self) -> list[CatalogueEntry]:
        """The hardware class entries (GPU, CPU, FPGA, ...)."""
        return [e for e in self.entries if e.is_class]

    def by_label(self, label: Label | str) -> list[CatalogueEntry]:
        wanted = Label(label)
        return [e for e in self.entries if e.label == wanted]

    def class_of(self, entry: CatalogueEntry) -> CatalogueEntry | None:
        """The class entry of a hardware product, which it ``IS_A`` (``None`` for anything else)."""
        return self.get(entry.hw_class, Label.HARDWARE) if entry.hw_class else None

    def implied_class(self, entry: CatalogueEntry) -> CatalogueEntry | None:
        """The class a work that targets ``entry`` runs on: a product's class, or the class of the
        devices an architecture or a machine holds ("Hopper", "DGX H100" -> GPU); else ``None``.

        >>> cat = load_catalogue()
        >>> [getattr(cat.implied_class(cat.get(n)), "name", None) for n in ("A100", "DGX H100", "NVLink")]
        ['GPU', 'GPU', None]
        """
        named = entry.hw_class or entry.devices
        return self.get(named, Label.HARDWARE) if named else None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[CatalogueEntry]:
        return iter(self.entries)

    def __contains__(self, name_or_alias: object) -> bool:
        return isinstance(name_or_alias, str) and self.get(name_or_alias) is not None

    def __repr__(self) -> str:
        return f"Catalogue({len(self.entries)} entries)"


# --------------------------------------------------------------------------- loading


class _Pending:
    """An entity being assembled from one or more raw TOML tables."""

    def __init__(self, raw: dict[str, Any], path: Path, where: str, directory: int):
        self.raw = dict(raw)
        self.where = where  # "file: entity N 'name'" of the latest contribution
        self.sources = [str(path)]
        self.directory = directory

    def extend(self, raw: dict[str, Any], path: Path, where: str, directory: int) -> None:
        for key, value in raw.items():
            if key == "name":
                continue
            if key in _LIST_KEYS:
                self.raw[key] = [*self.raw.get(key, []), *value]
            else:
                if key in _EITHER_KEYS:
                    self.raw.pop(_EITHER_KEYS[1 - _EITHER_KEYS.index(key)], None)
                self.raw[key] = value
        self.where = where
        self.sources.append(str(path))
        self.directory = directory


def _error(where: str, problem: str) -> CatalogueError:
    return CatalogueError(f"{where}: {' '.join(problem.split())}")


def _read_tables(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise _error(str(path), f"invalid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _error(str(path), f"cannot read: {exc}") from exc
    unknown = sorted(set(data) - {"entity"})
    if unknown:
        raise _error(str(path), f"unknown top-level key(s) {unknown}; entries go in [[entity]] tables")
    tables = data.get("entity", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise _error(str(path), "'entity' must be an array of tables ([[entity]])")
    return tables


def _origin_lines(path: Path) -> dict[int, int]:
    """Entity position (1-based) -> the line of its ``origin`` key."""
    lines: dict[int, int] = {}
    position = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(r"\s*\[\[entity\]\]", line):
            position += 1
        elif position and re.match(r"\s*origin\s*=", line):
            lines.setdefault(position, number)
    return lines


def _describe(path: Path, index: int, raw: dict[str, Any]) -> str:
    name = raw.get("name")
    shown = f" {name!r}" if isinstance(name, str) and name.strip() else ""
    return f"{path}: entity {index}{shown}"


def _check_raw(raw: dict[str, Any], where: str) -> tuple[Label, str]:
    unknown = sorted(set(raw) - _TOML_KEYS)
    if unknown:
        raise _error(where, f"unknown key(s) {unknown}; allowed: {sorted(_TOML_KEYS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not fold_key(name):
        raise _error(where, "'name' is required and must be a non-empty string")
    label = raw.get("label")
    allowed = [l.value for l in _ENTITY_LABELS]
    if label not in allowed:
        raise _error(where, f"'label' must be one of {allowed}, not {label!r}")
    for key in _LIST_KEYS:
        if key in raw and not (
            isinstance(raw[key], list) and all(isinstance(v, str) for v in raw[key])
        ):
            raise _error(where, f"{key!r} must be a list of strings")
    return Label(label), fold_key(name)


def _validation_problem(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
        loc = "class" if loc == "hw_class" else loc
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def _build(directories: list[Path]) -> Catalogue:
    pending: list[_Pending] = []
    index: dict[tuple[Label, str], _Pending] = {}  # (label, folded name or alias) -> entity

    for number, directory in enumerate(directories):
        if not directory.is_dir():
            raise CatalogueError(f"{directory}: catalogue directory does not exist")
        for path in sorted(directory.glob("*.toml")):
            tables = _read_tables(path)
            origin_lines = _origin_lines(path) if any("origin" in t for t in tables) else {}
            for position, raw in enumerate(tables, start=1):
                where = _describe(path, position, raw)
                label, key = _check_raw(raw, where)
                if isinstance(raw.get("origin"), dict):
                    raw = {**raw, "origin": {**raw["origin"], "at": f"{path.parent.name}/{path.name}:{origin_lines.get(position, 1)}"}}
                target = index.get((label, key))
                if target is None:
                    target = _Pending(raw, path, where, number)
                    pending.append(target)
                elif target.directory == number:
                    raise _error(where, f"defined twice in one directory (first at {target.where})")
                else:
                    target.extend(raw, path, where, number)
                for form in [target.raw["name"], *target.raw.get("aliases", [])]:
                    index.setdefault((label, fold_key(form)), target)

    entries: list[CatalogueEntry] = []
    for item in pending:
        try:
            entry = CatalogueEntry.model_validate({**item.raw, "sources": tuple(item.sources)})
        except ValidationError as exc:
            raise _error(item.where, _validation_problem(exc)) from None
        entries.append(entry)

    where_of = {id(e): item.where for e, item in zip(entries, pending)}
    owners: dict[str, CatalogueEntry] = {}
    for entry in entries:
        for form in entry.surface_forms:
            key = fold_key(form)
            other = owners.setdefault(key, entry)
            if other is not entry:
                raise _error(
                    where_of[id(entry)],
                    f"surface form {form!r} also belongs to {other.label.value} {other.name!r} "
                    f"({where_of[id(other)]})",
                )

    classes = {e.name: e for e in entries if e.is_class}
    for entry in entries:
        for key, named in (("class", entry.hw_class), ("devices", entry.devices)):
            if named is None or named in classes:
                continue
            near = owners.get(fold_key(named))
            hint = f"; did you mean {near.name!r}?" if near is not None and near.is_class else ""
            raise _error(
                where_of[id(entry)],
                f"{key} {named!r} names no hardware class entry "
                f"(known: {', '.join(sorted(classes))}){hint}",
            )
    for entry in entries:
        if entry.variant_of is None:
            continue
        family = owners.get(fold_key(entry.variant_of))
        if family is None or family.label != entry.label or family is entry:
            raise _error(where_of[id(entry)], f"variant_of {entry.variant_of!r} names no other {entry.label.value} entry")
    return Catalogue(entries)


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return _build([CATALOGUE_DIR])


def load_catalogue(extra_dirs: Iterable[Path | str] = ()) -> Catalogue:
    """Load the shipped catalogue, extended by the ``*.toml`` files of ``extra_dirs`` in order.

    The call without extra directories is cached; do not mutate the returned catalogue.
    """
    extras = [Path(d) for d in extra_dirs]
    if not extras:
        return _default_catalogue()
    return _build([CATALOGUE_DIR, *extras])
