"""How long the expensive figures take to compute: `python -m ml4a_figs.core.bench`.

Best of a few repeats, because the best run is the one least disturbed by
whatever else the machine was doing.
"""

import time

import numpy as np

from .data import load_digits, train_val_test_split
from .losses import BEALE
from .nn import MLP, accuracy, train
from .optim import Adam, descend


def best_time(task, repeats=3):
    """Run task() `repeats` times; return (fastest wall time in seconds, last result)."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = task()
        best = min(best, time.perf_counter() - start)
    return best, result


def train_digits():
    """The chapter's digits net, trained until it is good enough to show (>= 90% test accuracy)."""
    split = train_val_test_split(*load_digits(), seed=0)
    net = MLP((64, 32, 10), activation="sigmoid", seed=0)
    train(net, split, Adam(lr=0.01), epochs=20, batch_size=32, seed=0)
    test_accuracy = accuracy(net, split.X_test, split.y_test)
    if test_accuracy < 0.9:
        raise RuntimeError(f"digits net only reached {test_accuracy:.1%} test accuracy")
    return f"test accuracy {test_accuracy:.1%}"


def adam_on_beale():
    """1,000 Adam steps on Beale's function, as in the optimizer race."""
    path = descend(BEALE.grad, [1.0, 1.5], Adam(lr=0.1), steps=1000)
    x, y = path[-1]
    return f"ends at ({x:.4f}, {y:.4f})"


TASKS = [
    ("digits MLP (64, 32, 10), 20 epochs", train_digits),
    ("Adam on Beale, 1,000 steps", adam_on_beale),
]


def main(repeats=3):
    rows = [(name, *best_time(task, repeats)) for name, task in TASKS]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'task':<{width}}  {f'best of {repeats}':>10}  result")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 24}")
    for name, seconds, result in rows:
        print(f"{name:<{width}}  {seconds:>9.3f}s  {result}")


if __name__ == "__main__":
    main()
