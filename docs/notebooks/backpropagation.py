# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Backpropagation vs numerical gradients
#
# The chapter's [backpropagation](../../#backpropagation) section argues that
# estimating a gradient one weight at a time, with
#
# $$
# \frac{\partial J}{\partial w_i} \approx \frac{J(W + \epsilon e_i) - J(W)}{\epsilon},
# $$
#
# would take "millions of forward passes" per update, while backpropagation gets
# every partial derivative from one forward and one backward pass. This notebook
# checks backprop against numerical gradients on a small network (central
# differences, the two-sided version of that formula), then times both as the
# network grows.

# %%
# %matplotlib inline
import time

import numpy as np
from threadpoolctl import threadpool_limits

from ml4a_figs import style

theme = style.Theme()  # the chapter's light look, which its draw functions take
style.use(theme)  # and this notebook's own figures (importing sets nothing)

from ml4a_figs.core import data
from ml4a_figs.core.nn import MLP, numerical_gradient

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## A small network and a batch of digits
#
# A net with 64 inputs (the $8 \times 8$ pixels of a handwritten digit), one hidden
# layer and 10 outputs, scored by cross-entropy on 100 digits.

# %%
X_all, y_all = data.load_digits()
X, y = X_all[:100], y_all[:100]

net = MLP((64, 8, 10), activation="sigmoid", seed=0)
w = net.get_flat()
print(f"{net.n_params} parameters, loss {net.loss(X, y):.4f}")


def loss_at(w):
    """The loss with the network's parameters set to the vector w."""
    net.set_flat(w)
    return net.loss(X, y)


# %% [markdown]
# ## Check backprop against finite differences
#
# `MLP.flat_loss_and_grad` returns the loss and backprop's gradient for every
# parameter. `numerical_gradient` nudges each parameter by $\pm\epsilon$ in turn
# (central differences, two forward passes per parameter). They should agree to
# many digits.

# %%
_, backprop = net.flat_loss_and_grad(w, X, y)
numeric = numerical_gradient(loss_at, w)
net.set_flat(w)

relative = np.abs(backprop - numeric).max() / np.abs(backprop).max()
print(f"largest gradient component: {np.abs(backprop).max():.4f}")
print(f"largest difference:         {np.abs(backprop - numeric).max():.2e}")
print(f"relative to the largest:    {relative:.2e}")
largest = np.argsort(-np.abs(backprop))[:5]
print("five largest, backprop: ", backprop[largest])
print("five largest, numerical:", numeric[largest])

# %% [markdown]
# The check passes with L2 regularization switched on too (its gradient,
# $\lambda w$, is added by backprop; the numerical estimate just sees a different
# loss):

# %%
reg = MLP((64, 8, 10), activation="tanh", l2=0.01, seed=1)
w_reg = reg.get_flat()
_, g = reg.flat_loss_and_grad(w_reg, X, y)


def reg_loss(v):
    reg.set_flat(v)
    return reg.loss(X, y)


n = numerical_gradient(reg_loss, w_reg)
print(f"tanh + L2: largest difference {np.abs(g - n).max():.2e}")

# %% [markdown]
# ## How small should ε be?
#
# The chapter's one-sided formula has an error proportional to $\epsilon$; the
# central difference $\frac{J(W + \epsilon e_i) - J(W - \epsilon e_i)}{2\epsilon}$
# has one proportional to $\epsilon^2$. Too small an $\epsilon$ and rounding error
# takes over instead.

# %%
net.set_flat(w)
J0 = loss_at(w)
coords = range(0, net.n_params, 7)  # every 7th parameter is enough to see it
rows = []
for eps in [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10]:
    fwd, ctr = [], []
    for i in coords:
        e = np.zeros_like(w)
        e[i] = eps
        fwd.append((loss_at(w + e) - J0) / eps)
        ctr.append((loss_at(w + e) - loss_at(w - e)) / (2 * eps))
    exact = backprop[list(coords)]
    rows.append((eps, np.abs(np.array(fwd) - exact).max(),
                 np.abs(np.array(ctr) - exact).max()))
    print(f"ε = {eps:.0e}   one-sided error {rows[-1][1]:.1e}"
          f"   central error {rows[-1][2]:.1e}")
net.set_flat(w)

fig = style.new_figure(6.0, 3.4)
ax = fig.add_subplot()
eps, one_sided, central = np.array(rows).T
ax.loglog(eps, one_sided, "o-", color=style.ORANGE, label="one-sided")
ax.loglog(eps, central, "s-", color=style.BLUE, label="central")
ax.set(xlabel="ε", ylabel="largest error vs backprop",
       title="Finite differences: truncation vs rounding")
ax.grid(alpha=0.3)
ax.legend(frameon=False)
fig

# %% [markdown]
# ## The cost, measured
#
# Now grow the hidden layer and time one gradient both ways. The numerical gradient
# needs two forward passes per parameter, $2N$ passes, and each pass itself costs
# time that grows with $N$. Backprop costs a small multiple of one forward pass
# (measured below).
#
# For the big nets a full numerical gradient would take minutes, so it is timed on
# 50 randomly chosen parameters (100 forward passes, exactly what
# `numerical_gradient` does per parameter) and scaled up to all $N$: an estimate,
# checked on the smallest net against a full `numerical_gradient` call. Each time is
# the best of a few runs, the one least disturbed by whatever else the machine does.


# %%
def best_time(task, repeats):
    """Fastest of a few runs: the one least disturbed by anything else."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        best = min(best, time.perf_counter() - start)
    return best


def sampled_numerical_time(loss, w, n_sample=50, eps=1e-6, repeats=3):
    """Seconds for a full central-difference gradient, from a sample."""
    rng = np.random.default_rng(0)
    coords = rng.choice(w.size, min(n_sample, w.size), replace=False)
    v = w.copy()

    def sample():
        for i in coords:
            v[i] = w[i] + eps
            plus = loss(v)
            v[i] = w[i] - eps
            minus = loss(v)
            v[i] = w[i]
            _ = (plus - minus) / (2 * eps)

    return best_time(sample, repeats) * w.size / len(coords)


# one BLAS thread, as the chapter's figures use: on a busy machine,
# more threads only make the times noisier
limit_threads = threadpool_limits(1)
results = []
for hidden in [4, 16, 64, 256, 1024]:
    net_h = MLP((64, hidden, 10), activation="sigmoid", seed=0)
    w_h = net_h.get_flat()

    def loss_h(v):
        net_h.set_flat(v)
        return net_h.loss(X, y)

    t_forward = best_time(lambda: loss_h(w_h), 10)
    t_backprop = best_time(lambda: net_h.flat_loss_and_grad(w_h, X, y), 10)
    t_numeric = sampled_numerical_time(loss_h, w_h)
    if hidden == 4:
        full = best_time(lambda: numerical_gradient(loss_h, w_h), 3)
        print(f"check: full numerical gradient {full * 1e3:.0f} ms, "
              f"estimated from 50 parameters {t_numeric * 1e3:.0f} ms "
              f"(the estimate is {t_numeric / full:.0%} of the full time)")
    results.append((net_h.n_params, t_forward, t_backprop, t_numeric))

print(f"{'N':>7}  {'forward':>9}  {'backprop':>9}  "
      f"{'numerical':>10}  {'ratio':>8}")
for n, t_f, t_b, t_n in results:
    print(f"{n:>7,}  {t_f * 1e3:>6.3f} ms  {t_b * 1e3:>6.3f} ms"
          f"  {t_n:>8.2f} s  {t_n / t_b:>7,.0f}×")

# %%
params, t_forward, t_backprop, t_numeric = np.array(results).T
fig = style.new_figure(7.0, 3.8)
ax = fig.add_subplot()
ax.loglog(params, t_numeric, "o-", color=style.VERMILLION,
          label="numerical gradient (2N passes, from 50 parameters)")
ax.loglog(params, t_backprop, "s-", color=style.BLUE,
          label="backpropagation")
ax.loglog(params, t_forward, "^--", color=theme.color("muted"), label="one forward pass")
ax.set(xlabel="parameters N", ylabel="seconds per gradient",
       title="One gradient of the loss on 100 digits")
ax.grid(alpha=0.3, which="both")
ax.legend(frameon=False, loc="upper left")
fig

# %% [markdown]
# What the times show depends on the machine (Python's overheads, caches, how many
# threads the matrix library uses), so the cell below prints what was measured
# rather than fitting a formula to it: how much longer a forward pass took each
# time the network grew, and how many forward passes one backprop gradient cost.

# %%
for (n0, f0, _, _), (n1, f1, _, _) in zip(results, results[1:]):
    print(f"N ×{n1 / n0:4.1f}: forward pass ×{f1 / f0:5.2f}")
passes_per_backprop = t_backprop / t_forward
print("backprop, in forward passes:", np.round(passes_per_backprop, 1))

# %% [markdown]
# ## "Millions of forward passes"
#
# The chapter's argument needs no timing, only counting: a numerical gradient is
# $2N$ forward passes (central differences; $N + 1$ with the one-sided formula),
# while one backprop gradient cost the few forward passes measured above, whatever
# $N$. No attempt is made here to turn the counts into hours: the measured times do
# not follow one formula across sizes on every machine, and an extrapolation from
# them would claim more than they show.

# %%
mnist = MLP((784, 15, 10)).n_params
print(f"{'parameters N':>13}  {'numerical: forward passes':>26}  backprop")
for n in [mnist, 1_000_000, 100_000_000]:
    print(f"{n:>13,}  {2 * n:>26,}  a few")
