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
# # The update methods compared
#
# The chapter's sections on [momentum](../../#momentum),
# [adaptive methods](../../#adaptive-methods) and
# [Adam](../../#adam-and-comparison-of-update-methods), run for real: every
# optimizer of `ml4a_figs.core.optim` races from the same start, with the settings of the
# chapter's animations. Then change a learning rate and watch what happens.

# %%
# %matplotlib inline
import inspect

import numpy as np

from ml4a_figs import style

theme = style.Theme()  # the chapter's light look, which its draw functions take
style.use(theme)  # and this notebook's own figures (importing sets nothing)

from ml4a_figs.core import losses, optim
from ml4a_figs.figures import races

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The update rules are short
#
# Every optimizer has one method that matters, `step(x, grad_fn)`. This is the code
# the figures and this notebook run, printed from the package. Momentum keeps a
# running velocity $z_t = \beta z_{t-1} + \nabla J(W_{t-1})$ and steps along it:

# %%
print(inspect.getsource(optim.Momentum.step))

# %% [markdown]
# Adam keeps two running averages, of the gradient and of its square, and corrects
# both for starting at zero:

# %%
print(inspect.getsource(optim.Adam.step))

# %% [markdown]
# ## The race on Beale's function
#
# Beale's function has a long, flat, curved valley with its minimum at $(3, 0.5)$.
# `races.RACE_SETTINGS` holds every optimizer's hyperparameters, defaults spelled
# out; `races.run_race` runs each one with `optim.descend`.

# %%
settings = races.RACE_SETTINGS["opt2a"]
for name, kwargs in settings.items():
    print(f"{name:<9}", kwargs)

# %%
race = races.beale_race()
paths = race["paths"]
minimum = np.array(race["minimum"])
print(f"{'optimizer':<10}{'end point':>22}{'loss':>12}{'distance':>10}")
for name, path in paths.items():
    end = path[-1]
    print(f"{name:<10}{np.array2string(end):>22}"
          f"{losses.BEALE.at(end):>12.2e}"
          f"{np.linalg.norm(end - minimum):>10.4f}")


# %%
def draw_paths(race, paths, title):
    """Every path over the race's contour map, in the chapter's styles."""
    fig = style.new_figure(7.6, 4.2)
    ax = fig.add_subplot()
    ax.contour(race["X"], race["Y"], race["Z"], levels=race["levels"],
               colors="#BBBBBB", linewidths=0.6)
    for name, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], label=name, linewidth=1.6,
                **theme.line(name))
    ax.plot(*race["start"], "o", color=theme.ink(), mfc="white")
    ax.set(xlim=race["xlim"], ylim=race["ylim"], xlabel="$x$",
           ylabel="$y$", title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


steps = len(paths["SGD"]) - 1
draw_paths(race, paths, f"Beale's function, {steps} steps")


# %% [markdown]
# The same race as loss curves. The loss is drawn on a log scale: Momentum,
# Nesterov, AdaGrad and Adam end with a loss below $10^{-4}$ (the minimum's is 0),
# AdaDelta and RMSprop a few thousandths above it, and plain SGD is still far away.

# %%
def draw_losses(surface, paths, title, log=True):
    fig = style.new_figure(7.6, 3.4)
    ax = fig.add_subplot()
    for name, path in paths.items():
        loss = surface(path[:, 0], path[:, 1])
        draw = ax.semilogy if log else ax.plot
        draw(loss, label=name, linewidth=1.6, **theme.line(name))
    ax.set(xlabel="step", ylabel="loss", title=title)
    ax.grid(alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


draw_losses(losses.BEALE, paths, "Loss per step on Beale's function")

# %% [markdown]
# ## The saddle point
#
# On $x^2 - y^2$, started on the ridge just off $y = 0$, the slope along $y$ is
# tiny. Plain SGD rolls down to the saddle and escapes only slowly: at these rates
# it is still near it when the race ends. The others get away along $y$.

# %%
saddle = races.saddle_race()
for name, path in saddle["paths"].items():
    y_end = path[-1, 1]
    print(f"{name:<9} |y| after {len(path) - 1} steps: {abs(y_end):.3g}")
draw_paths(saddle, saddle["paths"], "The saddle $x^2 - y^2$")

# %% [markdown]
# ## Try it: change a learning rate
#
# Plain SGD lost the Beale race because its learning rate, $\alpha = 0.002$, is the
# one the momentum methods use, and momentum multiplies the effective step by about
# $1 / (1 - \beta) = 20$. Give SGD larger steps and run the race again. Edit `rates`
# and re-run the cell: a little larger ($0.04$) ends near the minimum, though with a
# higher loss than both momentum methods; larger still ($0.08$) bounces
# across the valley and ends worse, and a little above that (already at $0.081$;
# $0.1$ here) the steps grow until the numbers overflow (`nan`).

# %%
rates = [0.002, 0.04, 0.08, 0.1]
start, n = races.RACE_START["opt2a"], races.RACE_STEPS["opt2a"]
sgd_paths = {}
with np.errstate(over="ignore", invalid="ignore"):
    for lr in rates:
        path = optim.descend(losses.BEALE.grad, start, optim.SGD(lr=lr), n)
        sgd_paths[f"SGD, α = {lr}"] = path
        print(f"α = {lr:<6} ends at {path[-1]}, "
              f"loss {losses.BEALE.at(path[-1]):.2e}")

# %%
fig = style.new_figure(7.6, 4.2)
ax = fig.add_subplot()
ax.contour(race["X"], race["Y"], race["Z"], levels=race["levels"],
           colors="#BBBBBB", linewidths=0.6)
colors = [theme.ink(), style.BLUE, style.VERMILLION, style.ORANGE]
for (label, path), color in zip(sgd_paths.items(), colors):
    ax.plot(path[:, 0], path[:, 1], color=color, label=label, linewidth=1.6)
ax.plot(*minimum, "*", color=theme.ink(), markersize=14)
ax.set(xlim=race["xlim"], ylim=race["ylim"], xlabel="$x$", ylabel="$y$",
       title="Plain SGD with four learning rates")
ax.legend(frameon=False, loc="lower right")
fig

# %% [markdown]
# The same experiment for Adam: each coordinate of its first step is $\alpha$ long
# (up to its tiny $\epsilon$; zero where that coordinate's gradient is zero) whatever
# the gradient's size, so $\alpha$ sets how far it roams. Here the gradient at the
# start has no $x$ part, so the whole first step is $\alpha$ long.

# %%
adam_paths = {}
for lr in [0.01, 0.1, 0.5]:
    path = optim.descend(losses.BEALE.grad, start, optim.Adam(lr=lr), n)
    adam_paths[f"Adam, α = {lr}"] = path
    first_step = np.linalg.norm(path[1] - path[0])
    print(f"α = {lr:<5} first step {first_step:.3f}, "
          f"final loss {losses.BEALE.at(path[-1]):.2e}")

fig = style.new_figure(7.6, 3.2)
ax = fig.add_subplot()
for (label, path), color in zip(adam_paths.items(), colors):
    ax.semilogy(losses.BEALE(path[:, 0], path[:, 1]), color=color, label=label)
ax.set(xlabel="step", ylabel="loss", title="Adam with three learning rates")
ax.grid(alpha=0.3)
ax.legend(frameon=False)
fig
