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
# # Linear regression by gradient descent
#
# The chapter's [linear regression](../../#linear-regression) and
# [gradient descent](../../#gradient-descent) sections, run step by step with the code
# that draws the chapter's figures (`ml4a_figs`): the seven points, the mean squared
# error as a bowl over $(m, b)$, gradient descent walking down it, and the answer
# compared with ordinary least squares.

# %%
# %matplotlib inline
import numpy as np

from ml4a_figs import style

theme = style.Theme()  # the chapter's light look, which its draw functions take
style.use(theme)  # and this notebook's own figures (importing sets nothing)

from ml4a_figs.core import data, losses, optim
from ml4a_figs.figures import gradient_descent, linear_regression

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The seven points
#
# `data.seven_points()` returns the points of the chapter's table as two arrays.

# %%
x, y = data.seven_points()
for xi, yi in zip(x, y):
    print(f"x = {xi:.1f}   y = {yi:.2f}")

# %%
linear_regression.draw_scatter(theme, **linear_regression.scatter_points())

# %% [markdown]
# ## The loss: mean squared error
#
# A line $f(x) = m x + b$ is scored by the mean of its squared errors,
#
# $$
# J(m, b) = \frac{1}{n} \sum_i \bigl(y_i - (m x_i + b)\bigr)^2 .
# $$
#
# `losses.mse` computes exactly that. Here are the chapter's three candidate lines:

# %%
for m, b in data.CANDIDATE_LINES:
    print(f"f(x) = {m:+.2f} x {b:+.2f}    MSE = {losses.mse(m, b, x, y):.3f}")

# %%
linear_regression.draw_candidates(theme, **linear_regression.candidate_fits())

# %% [markdown]
# ## The bowl
#
# Score *every* line in the window $-2 \le m \le 4$, $-6 \le b \le 8$ and the MSE
# becomes a landscape: a long, narrow bowl. `losses.mse` takes whole grids of
# $(m, b)$ at once, so this is one call, not a loop.

# %%
landscape = linear_regression.mse_landscape()
Z = landscape["Z"]
print(f"{Z.size:,} lines scored; MSE from {Z.min():.3f} to {Z.max():.0f}")
linear_regression.draw_mse_surface(theme, **linear_regression.mse_surface())

# %% [markdown]
# ## The gradient
#
# Differentiating $J$ gives the slope of the bowl in each direction:
#
# $$
# \frac{\partial J}{\partial m} = -\frac{2}{n} \sum_i x_i \bigl(y_i - (m x_i + b)\bigr),
# $$
#
# $$
# \frac{\partial J}{\partial b} = -\frac{2}{n} \sum_i \bigl(y_i - (m x_i + b)\bigr).
# $$
#
# Before trusting `losses.mse_grad`, compare it with a numerical estimate: nudge each
# parameter by a tiny $\epsilon$ either way and divide the change in $J$ by $2\epsilon$.

# %%
from ml4a_figs.core.nn import numerical_gradient

point = np.array([-1.2, 5.5])
analytic = losses.mse_grad(point[0], point[1], x, y)
numeric = numerical_gradient(lambda p: losses.mse(p[0], p[1], x, y), point)
print("analytic :", analytic)
print("numerical:", numeric)
print(f"largest difference: {np.abs(analytic - numeric).max():.1e}")

# %% [markdown]
# ## Gradient descent
#
# Start from a bad guess and repeat $m := m - \alpha \frac{\partial J}{\partial m}$,
# $b := b - \alpha \frac{\partial J}{\partial b}$. `optim.descend` runs an optimizer
# for a number of steps and returns the whole path; `optim.SGD` is the plain update
# $W := W - \alpha \nabla J(W)$. The figure in the chapter is drawn from this very
# call (`gradient_descent.mse_descent_path`).

# %%
run = gradient_descent.mse_descent_path()
path, lr = run["path"], run["lr"]
print(f"learning rate α = {lr}, {len(path) - 1:,} steps")
print(f"start (m, b) = {path[0]},  MSE = {run['path_mse'][0]:.3f}")
print(f"end   (m, b) = {path[-1]},  MSE = {run['path_mse'][-1]:.5f}")

# %%
fig = style.new_figure(7.6, 3.4)
left, right = fig.subplots(1, 2)
linear_regression.draw_mse_contours(theme, left, landscape["M"], landscape["B"], Z,
                                    landscape["levels"], landscape["best"])
left.plot(path[:, 0], path[:, 1], color=theme.color("highlight"), linewidth=1.6)
left.plot(*path[0], "o", color=theme.color("highlight"))
left.set_title("The path over the MSE contours")
right.semilogy(run["path_mse"] - run["best_mse"], color=theme.color("highlight"))
right.set(xlabel="step", ylabel="MSE above the minimum",
          title="Loss per step (log scale)")
right.grid(alpha=0.3)
fig

# %% [markdown]
# The first steps cross the narrow valley; the long walk along its floor takes the
# rest. The loss falls by the same factor every few steps: a straight line on the log
# scale.
#
# ## Compared with least squares
#
# For a line, ordinary least squares finds the bottom of the bowl in one shot
# (`losses.least_squares`, which solves the linear system with `numpy.linalg.lstsq`).

# %%
m_best, b_best = losses.least_squares(x, y)
m_gd, b_gd = path[-1]
for label, (m, b) in [("least squares", (m_best, b_best)),
                      ("gradient descent", (m_gd, b_gd))]:
    print(f"{label + ':':<18} m = {m:.6f}, b = {b:.6f}, "
          f"MSE = {losses.mse(m, b, x, y):.6f}")
print(f"distance between them: {np.hypot(m_best - m_gd, b_best - b_gd):.2e}")

# %% [markdown]
# ## Try it: change the learning rate
#
# The bowl is much steeper across the valley than along it. The curvature in each
# direction is an eigenvalue of the Hessian $H = \frac{2}{n}\sum_i (x_i, 1)^\top (x_i, 1)$,
# and plain gradient descent diverges once $\alpha > 2 / \lambda_{\max}$. Change
# `rates` and run the cell again.

# %%
H = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
curvatures = np.linalg.eigvalsh(H)
print(f"curvatures {curvatures}: "
      f"descent diverges for α > {2 / curvatures.max():.4f}")

rates = [0.01, 0.03, 0.06, 0.07]
start = gradient_descent.GD_START
fig = style.new_figure(7.6, 3.2)
ax = fig.add_subplot()
colors = [style.SKY_BLUE, style.BLUE, style.GREEN, style.VERMILLION]


def grad(w):
    return losses.mse_grad(w[0], w[1], x, y)


with np.errstate(over="ignore", invalid="ignore"):
    for rate, color in zip(rates, colors):
        p = optim.descend(grad, start, optim.SGD(rate), 300)
        J = losses.mse(p[:, 0], p[:, 1], x, y)
        ax.semilogy(J, color=color, label=f"α = {rate}")
        print(f"α = {rate:<5} MSE after 300 steps: {J[-1]:.4g}")
ax.set(xlabel="step", ylabel="MSE", ylim=(1e-2, 1e4),
       title="Too small creeps, too large explodes")
ax.legend(frameon=False)
ax.grid(alpha=0.3)
fig
