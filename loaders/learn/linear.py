"""A linear model trained by ``make train``, read from its JSON file once per process.

The file holds the weight of each feature and the intercept; predicting is a sum and a logistic,
in plain Python, so extraction needs no numerical library at run time.

>>> m = LinearModel({"a": 2.0, "b": -1.0}, intercept=-0.5)
>>> round(m.probability(["a", "c"]), 3), m.decide(["b"])
(0.818, False)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODELS = Path(__file__).with_name("models")


@dataclass(frozen=True)
class LinearModel:
    weights: dict[str, float]
    intercept: float = 0.0
    threshold: float = 0.5
    meta: dict = field(default_factory=dict, compare=False)

    def probability(self, features: Iterable[str]) -> float:
        z = self.intercept + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def decide(self, features: Iterable[str]) -> bool:
        return self.probability(features) >= self.threshold

    def to_json(self) -> str:
        body = {"meta": self.meta, "intercept": self.intercept, "threshold": self.threshold, "weights": dict(sorted(self.weights.items()))}
        return json.dumps(body, indent=0, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        body = json.loads(text)
        return cls(weights=body["weights"], intercept=body["intercept"], threshold=body.get("threshold", 0.5), meta=body.get("meta", {}))


@lru_cache(maxsize=None)
def load(name: str) -> LinearModel | None:
    """The committed model ``models/<name>.json``, or None when it has not been trained."""
    path = MODELS / f"{name}.json"
    return LinearModel.from_json(path.read_text(encoding="utf-8")) if path.exists() else None


@dataclass(frozen=True)
class SoftmaxModel:
    """A linear model over several classes: the class whose weights sum highest wins.

    >>> m = SoftmaxModel(classes=["speed", "memory"], weights={"a1=memory": [-1.0, 2.0]}, intercepts=[0.5, 0.0])
    >>> m.predict(["a1=memory"]), m.predict(["b1=by"])
    ('memory', 'speed')
    """

    classes: list[str]
    weights: dict[str, list[float]]
    intercepts: list[float]
    meta: dict = field(default_factory=dict, compare=False)
    confidence: float = 0.0  # below it, a caller keeps its own reading

    def predict(self, features: Iterable[str]) -> str:
        return self.predict_proba(features)[0]

    def predict_proba(self, features: Iterable[str]) -> tuple[str, float]:
        """The likeliest class and its probability."""
        scores = list(self.intercepts)
        for f in features:
            for i, w in enumerate(self.weights.get(f, ())):
                scores[i] += w
        top = max(scores)
        total = sum(math.exp(x - top) for x in scores)
        best = scores.index(top)
        return self.classes[best], 1.0 / total

    def to_json(self) -> str:
        body = {"meta": self.meta, "classes": self.classes, "intercepts": self.intercepts, "weights": dict(sorted(self.weights.items()))}
        return json.dumps(body, indent=0) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SoftmaxModel:
        body = json.loads(text)
        return cls(classes=body["classes"], weights=body["weights"], intercepts=body["intercepts"], meta=body.get("meta", {}))


@lru_cache(maxsize=None)
def load_softmax(name: str) -> SoftmaxModel | None:
    path = MODELS / f"{name}.json"
    return SoftmaxModel.from_json(path.read_text(encoding="utf-8")) if path.exists() else None
