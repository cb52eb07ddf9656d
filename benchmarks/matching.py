"""One-to-one matching of predicted to gold spans, shared by evaluate.py and evaluate_own.py."""

from __future__ import annotations


def one_to_one(scored: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """From (overlap, gold index, pred index) candidates, the pairs taken largest overlap first, each gold and
    each prediction used once: (gold index, pred index), sorted."""
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in sorted(scored, key=lambda x: (-x[0], x[1], x[2])):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return sorted(out)
