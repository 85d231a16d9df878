"""EASE, the closed-form linear item-item model (H. Steck, "Embarrassingly Shallow Autoencoders for Sparse
Data", WWW 2019), kept as the k strongest positive and the few most negative weights per item. Pure
numpy/scipy: interactions in, weights out.

With X the users x items matrix of (weighted) interactions and P = (XᵀX + λI)⁻¹, the weights are
B = I - P·diag(1/diag(P)): B[i, j] says how much having seen i predicts j, with diag(B) = 0 so no item
explains itself. A user's scores are x·B, x their own row.
"""

from dataclasses import dataclass

import numpy as np
from scipy import linalg, sparse

BLOCK = 1024  # rows of B ranked at a time: bounds the memory of the top-k selection


@dataclass(frozen=True)
class ItemWeights:
    """The strongest weights of each item, positive and negative: parallel arrays of item ids, neighbour ids,
    weights."""

    items: np.ndarray
    neighbours: np.ndarray
    weights: np.ndarray
    item_count: int  # items the model was fitted on

    def __len__(self) -> int:
        return len(self.weights)


def ease_weights(
    users: np.ndarray,
    items: np.ndarray,
    values: np.ndarray,
    *,
    l2: float,
    k: int,
    k_negative: int,
    min_support: int,
) -> ItemWeights:
    """Fit EASE on (user index, item id, value) triples, keeping items seen by at least `min_support` users,
    and per item its `k` largest positive weights and its `k_negative` most negative ones (the titles that
    people who saw it tend not to have seen: they lower a score where they would only be noise otherwise).

    Memory is about two dense float32 item x item matrices (n² x 8 bytes); time is one matrix inversion.
    """
    empty = ItemWeights(np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([]), 0)
    if len(values) == 0:
        return empty
    item_ids, item_columns = np.unique(items, return_inverse=True)
    support = np.bincount(item_columns)
    kept = support >= min_support
    if kept.sum() < 2:
        return empty
    remap = np.cumsum(kept) - 1
    rows = kept[item_columns]
    user_ids, user_rows = np.unique(users[rows], return_inverse=True)
    matrix = sparse.csr_matrix(
        (values[rows].astype(np.float32), (user_rows, remap[item_columns[rows]])),
        shape=(len(user_ids), int(kept.sum())),
        dtype=np.float32,
    )
    gram = (matrix.T @ matrix).toarray()
    gram[np.diag_indices_from(gram)] += np.float32(l2)
    precision = linalg.inv(gram, overwrite_a=True, check_finite=False)
    del gram
    precision /= -np.diag(precision)  # in place: B = -P / diag(P) off the diagonal
    np.fill_diagonal(precision, 0.0)
    chosen, neighbours, weights = _top_positive(precision, k)
    np.negative(precision, out=precision)  # in place: the most negative weights are now the largest
    chosen_negative, neighbours_negative, weights_negative = _top_positive(precision, k_negative)
    chosen, neighbours = np.r_[chosen, chosen_negative], np.r_[neighbours, neighbours_negative]
    weights = np.r_[weights, -weights_negative]
    ids = item_ids[kept]
    return ItemWeights(ids[chosen], ids[neighbours], weights, item_count=len(ids))


def _top_positive(weights: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row, the (row, column, value) of the k largest positive values, largest first."""
    n = weights.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([])
    rows_out, columns_out, values_out = [], [], []
    for start in range(0, n, BLOCK):
        block = weights[start : start + BLOCK]
        part = np.argpartition(-block, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        part, values = np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)
        positive = values > 0
        rows_out.append(np.broadcast_to(np.arange(start, start + len(block))[:, None], part.shape)[positive])
        columns_out.append(part[positive])
        values_out.append(values[positive].astype(np.float64))
    return np.concatenate(rows_out), np.concatenate(columns_out), np.concatenate(values_out)
