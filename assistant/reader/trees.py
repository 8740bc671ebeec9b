"""Gradient-boosted decision trees, fitted by scikit-learn and read with numpy alone.

The judge's evidence interacts: a low share of the question's words around a figure is a
paraphrase when the words are ones the pages never print, and a near miss when they are printed
elsewhere; an agreeing year matters more when several close figures compete. A logistic
regression adds such evidence up; shallow trees can weigh one piece by another. scikit-learn's
`HistGradientBoostingClassifier` fits them (`assistant train-reader`); the fitted trees are kept as
a small JSON file in the package, so answering needs neither scikit-learn nor a pickle."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# shallow and few: the dev splits hold about 3 000 shortlisted candidates of 700 questions, and
# deeper trees fitted on them scored worse on the blind-written dev questions (session 11)
TREE_PARAMETERS = {"max_depth": 2, "max_iter": 100, "learning_rate": 0.1, "min_samples_leaf": 20,
                   "l2_regularization": 1.0, "early_stopping": False, "random_state": 0}


@dataclass
class Tree:
    """One regression tree in arrays: node i splits on `feature[i]` at `threshold[i]` (go `left`
    when the value is at most the threshold, or missing and `missing_left`), or is a leaf of `value[i]`."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    leaf: np.ndarray
    value: np.ndarray

    def predict(self, rows: np.ndarray) -> np.ndarray:
        node = np.zeros(len(rows), dtype=np.int64)
        at = np.arange(len(rows))
        while not self.leaf[node].all():
            inner = ~self.leaf[node]
            x = rows[at[inner], self.feature[node[inner]]]
            go_left = np.where(np.isnan(x), self.missing_left[node[inner]], x <= self.threshold[node[inner]])
            node[inner] = np.where(go_left, self.left[node[inner]], self.right[node[inner]])
        return self.value[node]

    def to_dict(self) -> dict:  # full precision: a threshold is a value seen in training, compared with <=
        return {"feature": self.feature.tolist(), "threshold": self.threshold.tolist(),
                "left": self.left.tolist(), "right": self.right.tolist(),
                "missing_left": self.missing_left.astype(int).tolist(), "leaf": self.leaf.astype(int).tolist(),
                "value": self.value.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> Tree:
        return cls(np.asarray(data["feature"], dtype=np.int64), np.asarray(data["threshold"], dtype=np.float64),
                   np.asarray(data["left"], dtype=np.int64), np.asarray(data["right"], dtype=np.int64),
                   np.asarray(data["missing_left"], dtype=bool), np.asarray(data["leaf"], dtype=bool),
                   np.asarray(data["value"], dtype=np.float64))


@dataclass
class Trees:
    """A boosted ensemble for a yes/no question: probability = sigmoid(baseline + Σ trees)."""

    features: tuple[str, ...]
    baseline: float
    trees: list[Tree]

    def probability(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        rows = np.asarray(rows, dtype=np.float64)
        z = np.full(len(rows), self.baseline)
        for tree in self.trees:
            z += tree.predict(rows)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "baseline": self.baseline,
                "trees": [t.to_dict() for t in self.trees]}

    @classmethod
    def from_dict(cls, data: dict) -> Trees:
        return cls(tuple(data["features"]), float(data["baseline"]), [Tree.from_dict(t) for t in data["trees"]])

    @classmethod
    def fit(cls, features: tuple[str, ...], rows: np.ndarray, labels: np.ndarray) -> Trees:
        """Fit with scikit-learn (deterministic: fixed seed, no early stopping) and keep only the trees."""
        from sklearn.ensemble import HistGradientBoostingClassifier

        model = HistGradientBoostingClassifier(**TREE_PARAMETERS).fit(rows, labels)
        trees = []
        for (predictor,) in model._predictors:  # one tree per iteration for two classes
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not read here")
            trees.append(Tree(nodes["feature_idx"].astype(np.int64), nodes["num_threshold"].astype(np.float64),
                              nodes["left"].astype(np.int64), nodes["right"].astype(np.int64),
                              nodes["missing_go_to_left"].astype(bool), nodes["is_leaf"].astype(bool),
                              nodes["value"].astype(np.float64)))
        return cls(tuple(features), float(np.ravel(model._baseline_prediction)[0]), trees)

    @classmethod
    def constant(cls, features: tuple[str, ...], probability: float) -> Trees:
        """No trees: the same probability for every row (a fallback, and for tests)."""
        return cls(tuple(features), float(np.log(probability / (1 - probability))), [])
