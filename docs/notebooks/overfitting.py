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
# # Overfitting and its cures on handwritten digits
#
# The chapter's [overfitting](../../#overfitting),
# [cross-validation](../../#cross-validation-and-hyperparameter-selection),
# [regularization](../../#regularization) and [dropout](../../#dropout) sections,
# on a real data set: the 1,797 handwritten digits that ship with scikit-learn.
# A small network learns them from only 150 examples, which is few enough to
# memorise. We watch it overfit, stop it early, regularize it with L2 and with
# dropout, choose among them on the validation set and only then look at the
# test set, once.

# %%
# %matplotlib inline
import numpy as np

from ml4a_figs import style

theme = style.Theme()  # the chapter's light look, which its draw functions take
style.use(theme)  # and this notebook's own figures (importing sets nothing)
from ml4a_figs.figures import evaluation
from ml4a_figs.core.nn import MLP, accuracy, train
from ml4a_figs.core.optim import Adam

# %% [markdown]
# ## Three parts of the data
#
# `evaluation.digits_split()` shuffles the digits once (seeded) and cuts them into
# training, validation and test parts, then keeps only 150 training images.

# %%
split = evaluation.digits_split()
for part in ("train", "val", "test"):
    X_part = getattr(split, f"X_{part}")
    print(f"{part:<5} {len(X_part):>4} images of {X_part.shape[1]} pixels")

fig = style.new_figure(7.6, 1.6)
axes = fig.subplots(1, 10)
for ax, image, label in zip(axes, split.X_train, split.y_train):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
    ax.set_title(str(label))
    ax.axis("off")
fig

# %% [markdown]
# ## Training until it overfits
#
# The same settings as the chapter's figure: 64 inputs, 64 hidden ReLU units, 10
# outputs ($64 \cdot 64 + 64 + 64 \cdot 10 + 10 = 4{,}810$ parameters for 150
# images), trained with Adam for 50 epochs. `nn.train` records the training and
# validation loss after every epoch.

# %%
settings = dict(epochs=evaluation.DIGITS_EPOCHS,
                batch_size=evaluation.DIGITS_BATCH, seed=0)


def fit(l2=0.0, dropout=0.0, patience=None, data=split):
    net = MLP(evaluation.DIGITS_SIZES, activation="relu", l2=l2,
              dropout=dropout, seed=0)
    history = train(net, data, Adam(lr=evaluation.DIGITS_LR),
                    patience=patience, **settings)
    return net, history


net, history = fit()
print(f"{net.n_params:,} parameters, {history.epochs} epochs")
print(f"training loss   {history.train_loss[0]:.3f} → "
      f"{history.train_loss[-1]:.4f}")
print(f"validation loss {history.val_loss[0]:.3f} → "
      f"{history.val_loss[-1]:.3f}"
      f" (best {min(history.val_loss):.3f}, epoch {history.best_epoch + 1})")
print(f"training accuracy {history.train_accuracy[-1]:.1%}, "
      f"validation accuracy {history.val_accuracy[-1]:.1%}")


# %%
def draw_history(history, title):
    fig = style.new_figure(7.6, 3.2)
    loss_ax, acc_ax = fig.subplots(1, 2)
    epochs = np.arange(1, history.epochs + 1)
    for ax, key in ((loss_ax, "loss"), (acc_ax, "accuracy")):
        ax.plot(epochs, getattr(history, f"train_{key}"), color=theme.color("train"),
                label="training")
        ax.plot(epochs, getattr(history, f"val_{key}"), color=theme.color("validation"),
                label="validation")
        ax.axvline(history.best_epoch + 1, color=theme.color("muted"), linestyle=":")
        ax.set(xlabel="epoch", ylabel=key)
        ax.grid(alpha=0.3)
    loss_ax.set_yscale("log")
    acc_ax.legend(frameon=False, loc="lower right")
    fig.suptitle(title)
    return fig


draw_history(history, "No regularization: the validation loss turns up")

# %% [markdown]
# The training loss keeps falling towards zero: the net is memorising its 150
# images. The validation loss stops improving at its best epoch (the dotted line)
# and then drifts up: from there on, more epochs no longer help on images the net
# has not seen, and on the whole make it worse.
#
# ## Early stopping
#
# Give `nn.train` a `patience`: it stops once the validation loss has not improved
# for that many epochs, and puts back the weights of the best epoch.

# %%
early_net, early = fit(patience=evaluation.DIGITS_PATIENCE)
print(f"stopped after {early.epochs} of {settings['epochs']} epochs "
      f"(patience {evaluation.DIGITS_PATIENCE}); "
      f"weights from epoch {early.best_epoch + 1}")
print(f"validation loss: {net.loss(split.X_val, split.y_val):.3f} after all "
      f"epochs, {early_net.loss(split.X_val, split.y_val):.3f} "
      "with early stopping")

# %% [markdown]
# ## L2 regularization and dropout
#
# L2 adds $\frac{1}{2}\lambda \sum w^2$ to the loss, so large weights cost
# something; dropout switches off each hidden unit with probability $p$ at every
# training step. `evaluation.digits_curves_data()` trains the three variants the
# chapter's figure shows; here is that figure, computed again.

# %%
curves = evaluation.digits_curves_data()
for run in curves["runs"]:
    gap = run["val_loss"][-1] - run["train_loss"][-1]
    print(f"{run['title']:<19} final loss: training "
          f"{run['train_loss'][-1]:.3f}, validation "
          f"{run['val_loss'][-1]:.3f}, gap {gap:.3f}")
evaluation.draw_digits_curves(theme, **curves)

# %% [markdown]
# ## Choosing on the validation set, testing once
#
# Which setting is best? Decide on the *validation* set, with early stopping in
# every run, and look at the test set only for the one setting chosen: a test
# score used for choosing would no longer be an honest estimate.

# %%
candidates = {"none": {}}
candidates.update({f"L2 λ={l2:g}": {"l2": l2} for l2 in (1e-3, 3e-3, 1e-2)})
candidates.update({f"dropout p={p:g}": {"dropout": p} for p in (0.25, 0.5)})

scores = {}
for name, kwargs in candidates.items():
    cand_net, cand_history = fit(patience=evaluation.DIGITS_PATIENCE, **kwargs)
    val_acc = accuracy(cand_net, split.X_val, split.y_val)
    val_loss = cand_net.loss(split.X_val, split.y_val, include_l2=False)
    scores[name] = (val_loss, val_acc, cand_net)
    print(f"{name:<15} validation loss {val_loss:.3f}, accuracy {val_acc:.1%}")

chosen = min(scores, key=lambda name: scores[name][0])
test_accuracy = accuracy(scores[chosen][2], split.X_test, split.y_test)
print(f"\nchosen on validation loss: {chosen}")
print(f"held-out test accuracy ({len(split.X_test)} images, looked at once): "
      f"{test_accuracy:.1%}")

# %% [markdown]
# ## Try it: more data
#
# The best cure for overfitting is more data. Change `n_train` (at most the whole
# training part of the split) and run the cell again: the gap between the curves
# shrinks.

# %%
n_train = 1000
bigger = evaluation.digits_split(n_train=n_train)
big_net, big_history = fit(data=bigger)
print(f"{len(bigger.X_train)} training images: validation accuracy "
      f"{big_history.val_accuracy[-1]:.1%}")
draw_history(big_history,
             f"No regularization, {len(bigger.X_train)} training images")
