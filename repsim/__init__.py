"""Representation similarity for neural networks: transferred discrepancy, subspace match, model stitching and the structural indices (CKA, CCA, Procrustes), as an executable nbdev book.

Modules:

- `repsim.activations`: Every measure in repsim works on activation matrices. This chapter captures the outputs of named layers of any `nn.Module`, streams over the data in batches, and turns convolutional maps into matrices by an explicit, recorded convention.
- `repsim.alignment`: Four measures people expect beside CKA, CCA and Procrustes: the R² of a linear fit of one layer from the other, linear HSIC, representational similarity analysis, and mutual k-nearest-neighbour alignment — each registered with its properties and checked against a computation straight from its definition.
- `repsim.canonical`: Canonical correlation analysis between two representations, computed stably from orthonormal bases of the centred data, and the two summaries built on it: SVCCA (Raghu et al. 2017) and projection-weighted CCA (Morcos et al. 2018).
- `repsim.cka`: Linear and RBF CKA (biased and debiased), in the feature-space form that needs no n×n matrix, the Gram form for p ≫ n, and the streaming minibatch estimator that fills a whole layer×layer table in one pass.
- `repsim.cli`: `repsim compare` compares every layer pair of two networks — zoo models it trains (or loads from the cache), your own models built by a `module:factory`, or saved activations — prints the layer × layer tables (or the tidy table as CSV / JSON for scripts) and writes a CSV and heatmaps. `repsim measures` lists the registry.
- `repsim.comparison`: `compare` runs every registered measure over every model pair and layer pair and returns one tidy table: one row per (model pair × layer pair × measure). Plots read that table.
- `repsim.core`: The plumbing every chapter relies on: turning user input into checked float64 matrices, the registry where each measure declares its properties once, the `ci`/`reference`/`full` experiment scales, and reference results saved with their provenance.
- `repsim.data`: Offline datasets that work on any machine (digits, MNIST, MNIST-1D), torchvision datasets where they can be downloaded (a clear error, never a hang, where they cannot), deterministic train/val/test splits, and a registry of batch-wise augmentations — including ones that *hurt* digit recognition, which the transferred-discrepancy experiments need.
- `repsim.differentiable`: Linear CKA (biased and debiased), the Procrustes distance and the CCA family as torch scalars that carry gradients, computed by the same code as the registered measures, so that a similarity can be a training loss.
- `repsim.discrepancy`: Two representations are close when the heads trained on top of them for the same downstream task make the same predictions on new inputs. Ridge and multinomial logistic heads (batched over many tasks, CPU or CUDA), the classification and regression discrepancies, `transferred_discrepancy`, and the registered measures `td_labels` and `td_ridge_random`.
- `repsim.layerid`: The sanity benchmark of Kornblith et al. (2019): in networks of one architecture trained from different seeds, a good similarity measure finds, for every layer of one network, the same layer of the other network.
- `repsim.models`: MLPs, the Tiny-10 CNN, VGG-11/16, plain and residual CIFAR nets, sized for 28×28 and 32×32 inputs. Every model lists its comparable layers in `model.layer_names`, so the measures of later chapters know where to look.
- `repsim.ood`: Is an activation one that this layer of this network produces on its own data? A Mahalanobis detector fitted on a network's genuine activations at a layer scores how far new activations lie from them, and the AUROC of those scores says how well genuine and other activations are told apart.
- `repsim.procrustes`: How far apart two representations are after the best rotation of one onto the other — the shape metric that Ding, Denain & Steinhardt (2021) found consistently near the best at tracking functional change.
- `repsim.saved`: Capture a model's activations once, save them to a safetensors file together with a fingerprint of the inputs they were taken on, and compare them later — on another machine, or against models that are no longer loaded.
- `repsim.sensitivity`: Which measures move with a change of function and ignore a change that preserves it? The benchmark of Ding, Denain & Steinhardt (2021), run for every registered measure — CKA, CCA, Procrustes, transferred discrepancy, maximum match and model stitching.
- `repsim.stats`: A permutation test (is this value larger than unrelated representations give?) and a bootstrap confidence interval (how much would it move on other inputs?) for every registered measure, on scipy's resampling machinery, vectorised for CKA and Procrustes and checked for calibration.
- `repsim.stitching`: Plug the output of one network's layer, through a learned affine "stitching layer", into another network's layer and see whether the rest of the second network still works. Direct matching fits the stitching layer in closed form to the second network's own activations; task-loss matching trains it on the task.
- `repsim.stitching_scores`: How well does a stitched network work, and how close is its stitched activation to the genuine one? Stitched accuracy, the normalised representation difference and an out-of-distribution check of the stitched activations, the structural direct-matching score `dm_struct`, and the registered model-level stitching measures.
- `repsim.subspace`: Maximum and minimal ε-approximate matches between the neurons of two layers (Wang et al., NeurIPS 2018), computed from one preparation of both layers (a certified Gram matrix, or a QR reduction) shared by every ε; the match score, simple matches, the smallest ε for a match of given size, and the channel-as-neuron protocol for conv layers.
- `repsim.tasks`: TD is task-dependent by design. This chapter gives the tasks a name: a registry of downstream tasks computed from a dataset's inputs and labels (the source task, derived label tasks, real regression targets from the image, random linear tasks), task families, and `model_td`: transferred discrepancy between layers of two models.
- `repsim.training`: One function, `train(config)`, that trains a model from the zoo on a dataset deterministically, caches the result under the hash of the full configuration, checkpoints every epoch and resumes an interrupted run to bit-identical weights."""

__version__ = "0.0.1"
"""What `import repsim` puts at top level: every chapter's public names, and with them every registered measure.

Docs: https://repsim-dev.github.io/neural-repsim/api.html.md"""

# AUTOGENERATED! DO NOT EDIT! File to edit: ../nbs/99_api.ipynb.

# %% auto #0
__all__ = ['RENAMED_MODULES', 'RENAMED_NAMES']

# %% ../nbs/99_api.ipynb #e2051d04
from .core import *
from .data import *
from .models import *
from .training import *
from .activations import *
from .cka import *
from .canonical import *
from .procrustes import *
from .comparison import *
from .layerid import *
from .discrepancy import *
from .tasks import *
from .subspace import *
from .ood import *
from .stitching import *
from .stitching_scores import *
from .stats import *
from .alignment import *
from .saved import *

# %% ../nbs/99_api.ipynb #f91705c2
import sys, importlib.abc

RENAMED_MODULES = {"repsim.td": "repsim.discrepancy", "repsim.compare": "repsim.comparison",
                   "repsim.cca": "repsim.canonical"}
RENAMED_NAMES = {"td": "model_td (two models) or transferred_discrepancy (activation matrices)",
                 "td_from_labels": "td_labels", "expected_ridge_td": "td_ridge_random",
                 "fit_direct": "DirectFit(...).match (or stitch(..., fit=DirectFit(...)))",
                 "train_task_loss": "TaskLossFit(...).fit (or stitch(..., fit=TaskLossFit(...)))"}

class _RenamedModules(importlib.abc.MetaPathFinder):
    "Import hook: importing a renamed module raises ModuleNotFoundError naming the new module."
    def find_spec(self, fullname, path=None, target=None):
        if fullname in RENAMED_MODULES:
            new = RENAMED_MODULES[fullname]
            fn = fullname.split(".")[1]
            raise ModuleNotFoundError(renamed(fullname, new, "module") + f" (`repsim.{fn}` is a function)"
                                      * (fn in ("compare", "cca")), name=fullname)
        return None

if not any(isinstance(f, _RenamedModules) for f in sys.meta_path): sys.meta_path.insert(0, _RenamedModules())

from . import (core, data, models, training, activations, cka, canonical, procrustes, comparison, layerid,
                    discrepancy, tasks, subspace, ood, stitching, stitching_scores, stats, alignment, saved)
from . import differentiable     # a namespace, not star-imported: its names are the float measures' names
__all__ = [n for m in (core, data, models, training, activations, cka, canonical, procrustes, comparison, layerid,
                       discrepancy, tasks, subspace, ood, stitching, stitching_scores, stats, alignment, saved)
           for n in m.__all__]

def __getattr__(name):
    if name in RENAMED_NAMES: raise AttributeError(renamed(f"repsim.{name}", RENAMED_NAMES[name], "name"))
    raise AttributeError(f"module 'repsim' has no attribute {name!r}")
