#!/usr/bin/python3
"""A corpus of real-world prediction files, with independent reference losses (issue 12: "Never a
silent wrong number").

Run with the system Python (Debian's python3-sklearn, python3-pandas, python3-torch):

    /usr/bin/python3 scripts/corpus/gen_corpus.py

It fits real scikit-learn / PyTorch models on data sets that ship with scikit-learn (digits,
breast_cancer, iris, wine) or that scikit-learn generates (make_classification,
make_multilabel_classification), and writes their predictions with the very calls practitioners use
(pandas to_csv / to_json, np.savetxt, json.dump of a Hugging Face Trainer.predict output) into
test/fixtures/corpus/, with test/fixtures/corpus/manifest.json. test/unit/corpus.test.ts runs the
CLI on every file and checks it against the manifest; the tests never need Python.

Seeded, single-threaded and deterministic: rerunning rewrites every file and the manifest byte for
byte (given the same library versions, recorded in the manifest). Each run first deletes every file
of test/fixtures/corpus/ except README.md.

The reference of each file (`expect` in the manifest) is what its writer meant:
- kind ce | bce | multilabel; input probs | logits; classNames in index order (the prediction
  columns' names when they name classes, "0".."K-1" when they do not; bce: [negative, positive]);
  supports: samples per true class (bce: [negatives, positives]; multi-label: the number of
  positive targets, y >= 0.5, per label, as the CLI's perClass[].support); count.
- mean: the mean loss under Loss Lens's default preset `classic`, computed by PyTorch in float64
  on the numbers AS WRITTEN: every file is re-read from disk (pandas with
  float_precision='round_trip', json, or Python's float() on the text), never taken from the
  arrays in memory, so rounding when writing is part of the reference. Probabilities are clipped
  to [1e-15, 1 - 1e-15] and rows are NOT renormalised:
    ce from probs     F.nll_loss(torch.log(p.clamp(1e-15, 1 - 1e-15)), y)
    ce from logits    F.cross_entropy(z, y)
    bce from probs    F.binary_cross_entropy(p.clamp(1e-15, 1 - 1e-15), y)
    bce from logits   F.binary_cross_entropy_with_logits(z, y)
    multilabel        the same BCE, mean over all N x L elements
  Each is cross-checked against sklearn.metrics.log_loss(eps=1e-15) (on softmax / sigmoid of
  logits; multi-label on the flattened N x L arrays) and the relative difference printed. Debian's
  scikit-learn 1.2 renormalises every row after clipping, so it agrees to ~1e-15 wherever the rows
  as written sum to 1, and differs where they do not (by design; the run prints it, it is not an
  error). With scikit-learn 1.2.1 (last run): rel. diff <= 4e-16 wherever rows are written with
  17 digits; up to 2e-11 where written with 10 (to_json, %.10g: matlab_digits_1_to_10.csv,
  records_orient_iris.json, columns_orient_wine.json, split_orient_digits.json); 5e-10 at %.8f
  (savetxt_comma_headerless.csv) and 4e-9 for float32 (float32_softmax_digits.csv); more where
  rounding leaves rows off 1: excel_european_iris.csv (%.6f) 7e-8, float_format_4g_digits.csv 9e-7,
  sorted_50_classes.csv (%.5f) 7e-7, float_format_3f_wine.csv 9e-5, rounded_2dp_digits.csv 0.016;
  and 0.11 for ovr_sigmoid_unnormalised.csv (rows sum to 0.18 .. 1.44; sklearn 1.2 renormalises,
  classic does not).
- ambiguous: true only where a careful human could not tell the reading from the file alone
  (which class a `score` column is the probability of when the labels are two arbitrary words;
  probabilities vs logits when the values lie in [0, 1] but rows do not sum to 1; which column of
  a file without a header is the label). `flags` are the CLI flags that make the reading explicit.
  Columns of a file without a header are named `column 1` .. `column N` (1-based, as the CLI names
  them). In a message, a flag's value may be shell-quoted (--label-column 'column 1').

The cases (see CASES at the bottom, and test/fixtures/corpus/README.md):
 1. pandas' index: to_csv with its default index (`,0,1,...,9,true`), a read_csv/to_csv round trip
    (`,Unnamed: 0,...`), index_label='idx' with a shuffled index, index=False, a shuffled index
    from a train_test_split of an as_frame data set.
 2. Rows in ImageFolder order (hundreds of rows of one class first) with class-name columns and
    string labels; 50 classes of which the first 256 rows show 3; splits where a class never
    occurs as a label (the last one, by index; a middle one, by name).
 3. Labels that look like other things: yes/no with columns no,yes; True/False (pandas bools) with
    columns False,True; JSON booleans; pos/neg; labels 1..K against columns 1..K (UCI wine,
    MATLAB digits with 0 written as 10); -1/+1 with an SVM decision_function (logits), also
    written by np.savetxt with %+d.
 4. One probability column per binary file: prob_benign (P(benign), labels malignant/benign),
    p_yes, a Keras-style sigmoid output named `0`, proba_1; `score` and `proba` with two arbitrary
    words as labels (ambiguous).
 5. Rounded probabilities: .round(2), float_format='%.3f', '%.4g', '%.5f' over 50 classes; float32
    softmax outputs written by pandas.
 6. A hard prediction column beside the probabilities: y_pred, pred, predicted_label.
 7. Multi-label 0/1 targets paired with probability columns by name: action + action_prob,
    true_x + pred_x, y_x + p_x interleaved; Hugging Face multi-label logits in JSONL.
 8. np.savetxt: whitespace without a header (ambiguous), with its '# ' header line, comma without
    a header (label last, ambiguous); a European Excel CSV (sep=';', decimal=',').
 9. Hugging Face Trainer.predict outputs: logits as a Python list in a CSV cell, as numpy's str of
    an array (rounded to 8 digits, wrapped over two lines inside the quoted cell), JSONL with a
    text field, json.dump with metrics; df.to_json orient records / columns (the default) / split
    / lines; LinearSVC decision_function scores (logits) with class-named columns; class names with
    spaces, commas and quotes; TSV via sep='\\t'; a review text with commas, quotes and newlines;
    one-hot targets beside softmax outputs; labels written as floats (3.0); gzip; a JSON document
    with the class names in a `classes` field.
10. Mixed evidence: one-vs-rest sigmoid outputs (in [0, 1], rows not summing to 1; ambiguous),
    logits that lie in [0, 1] in most rows (ambiguous), a column named `logit` whose values mostly
    lie in [0, 1] (the name says it).
"""

import os

for _v in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_v] = '1'  # deterministic, and polite on a shared machine; before numpy is imported

import collections
import csv
import gzip
import io
import json
import math
import shutil
import sys
import tempfile
import warnings

import numpy as np
import pandas as pd
import scipy.special
import sklearn
import sklearn.metrics
import torch
import torch.nn.functional as F
from sklearn.datasets import (load_breast_cancer, load_digits, load_iris, load_wine, make_classification,
                              make_multilabel_classification)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

warnings.filterwarnings('ignore', category=ConvergenceWarning)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'corpus')
EPS = 1e-15
DIGIT_NAMES = [str(k) for k in range(10)]
CIFAR = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
# Fashion-MNIST's names, two of them given a comma and quotes (as some label files have).
FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker',
           'Bag, leather', 'Ankle "boot"']
CULTIVARS = ['barolo', 'grignolino', 'barbera']  # the three cultivars of the UCI wine data


# ----------------------------------------------------------------------------------------------
# Data sets, models
# ----------------------------------------------------------------------------------------------

def digits():
    d = load_digits()
    return d.data, d.target


def logreg(C=1.0, max_iter=100):
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=max_iter))


def mlp(hidden=(32,), max_iter=30, seed=0):
    return make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=hidden, max_iter=max_iter,
                                                         random_state=seed))


def split(X, y, test_size, seed, stratify=True):
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y if stratify else None)


def fit_test(model, X, y, test_size, seed):
    """Fit on a stratified train split; return the model and the test split."""
    Xtr, Xte, ytr, yte = split(X, y, test_size, seed)
    model.fit(Xtr, ytr)
    return model, Xte, yte


def torch_net(X, y, hidden, epochs, lr, seed, k, multilabel=False, bias_init=None, weight_scale=None):
    """A small float32 PyTorch network trained full-batch with Adam for a few epochs: raw outputs."""
    torch.manual_seed(seed)
    Xs = StandardScaler().fit_transform(X)
    layers = []
    width = Xs.shape[1]
    for h in hidden:
        layers += [torch.nn.Linear(width, h, dtype=torch.float32), torch.nn.ReLU()]
        width = h
    out = torch.nn.Linear(width, k, dtype=torch.float32)
    with torch.no_grad():
        if weight_scale is not None:
            out.weight.mul_(weight_scale)
        if bias_init is not None:
            out.bias.fill_(bias_init)
    layers.append(out)
    net = torch.nn.Sequential(*layers)
    xt = torch.tensor(Xs, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.float32 if multilabel else torch.long)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        o = net(xt)
        loss = F.binary_cross_entropy_with_logits(o, yt) if multilabel else F.cross_entropy(o, yt)
        loss.backward()
        opt.step()
    net.eval()
    return net, Xs


PredictionOutput = collections.namedtuple('PredictionOutput', ['predictions', 'label_ids', 'metrics'])


def trainer_predict(net, Xs, y):
    """What transformers' Trainer.predict returns: float32 logits, the labels, and metrics."""
    with torch.no_grad():
        logits = net(torch.tensor(Xs, dtype=torch.float32))
    loss = float(F.cross_entropy(logits, torch.tensor(y, dtype=torch.long)))
    return PredictionOutput(predictions=logits.numpy(), label_ids=np.asarray(y),
                            metrics={'test_loss': round(loss, 4), 'test_runtime': 1.2345,
                                     'test_samples_per_second': 364.5})


def texts(n, seed, labels, kind):
    """Review-like texts with commas, double quotes and (some) newlines, deterministic."""
    rng = np.random.RandomState(seed)
    good = ['great', 'lovely', 'works, mostly', 'the "best" so far', 'fine, really']
    bad = ['awful', 'broke after a day, sadly', 'not "new" at all', 'meh', 'returned it']
    mid = ['ok', 'it is, well, fine', 'does the job', 'average "quality"', 'so-so']
    out = []
    for i in range(n):
        pool = {0: bad, 1: mid, 2: good}[labels[i]] if kind == 3 else (good if labels[i] == 1 else bad)
        words = [pool[j] for j in rng.randint(0, len(pool), size=2)]
        sep = '\n' if (kind == 3 and i % 7 == 3) else ' '
        out.append(f'{words[0].capitalize()},{sep}{words[1]}.')
    return out


# ----------------------------------------------------------------------------------------------
# Re-reading files as written
# ----------------------------------------------------------------------------------------------

def read_csv(path, **kw):
    """pandas, exactly as written: Python's float parsing, labels kept as text."""
    return pd.read_csv(path, float_precision='round_trip', keep_default_na=False, **kw)


def col_floats(df, cols):
    return df[cols].to_numpy(dtype=np.float64)


def index_of(labels, names, key=str):
    m = {n: i for i, n in enumerate(names)}
    return np.array([m[key(v)] for v in labels], dtype=np.int64)


def num_key(v):
    """A number written as 3 or 3.0 or +1, as the class name it stands for."""
    x = float(v)
    return str(int(x)) if x == int(x) else str(x)


def vector_text(s):
    """'[1.0, -2.5]' (a Python list) or '[ 1.0  -2.5\\n 3.1]' (numpy's str of an array)."""
    return np.array([float(t) for t in s.strip().strip('[]').replace(',', ' ').split()], dtype=np.float64)


def read_json(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def read_jsonl(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


# ----------------------------------------------------------------------------------------------
# The references
# ----------------------------------------------------------------------------------------------

def reference(kind, inp, y, P):
    """Mean loss under the classic preset, PyTorch float64; sklearn log_loss beside it."""
    torch.set_default_dtype(torch.float64)
    try:
        Pt = torch.tensor(P, dtype=torch.float64)
        if kind == 'ce':
            yt = torch.tensor(y, dtype=torch.long)
            if inp == 'probs':
                mean = F.nll_loss(torch.log(Pt.clamp(EPS, 1 - EPS)), yt)
                q = P
            else:
                mean = F.cross_entropy(Pt, yt)
                q = scipy.special.softmax(P, axis=1)
            sk = sklearn.metrics.log_loss(y, q, eps=EPS, labels=list(range(P.shape[1])))
        else:
            yt = torch.tensor(y, dtype=torch.float64)
            if inp == 'probs':
                mean = F.binary_cross_entropy(Pt.clamp(EPS, 1 - EPS), yt)
                q = P
            else:
                mean = F.binary_cross_entropy_with_logits(Pt, yt)
                q = scipy.special.expit(P)
            sk = sklearn.metrics.log_loss(np.ravel(y), np.ravel(q), eps=EPS, labels=[0, 1])
        return float(mean), float(sk)
    finally:
        torch.set_default_dtype(torch.float32)


def supports(kind, y, k):
    if kind == 'ce':
        return [int(c) for c in np.bincount(y, minlength=k)]
    if kind == 'bce':
        return [int(np.sum(y < 0.5)), int(np.sum(y >= 0.5))]
    return [int(c) for c in np.sum(y >= 0.5, axis=0)]


# ----------------------------------------------------------------------------------------------
# The cases. Each writes its file with the calls named in `written_by`, then re-reads it and
# returns (y, P): ce y int indices and P (N, K); bce y 0/1 and P (N,); multilabel Y and P (N, L).
# ----------------------------------------------------------------------------------------------

CASES = []


def case(file, written_by, why, kind, inp, class_names, ambiguous=False, flags=()):
    def deco(fn):
        CASES.append(dict(file=file, written_by=written_by, why=why, kind=kind, input=inp,
                          classNames=list(class_names), ambiguous=ambiguous, flags=list(flags), fn=fn))
        return fn
    return deco


def P_(name):
    return os.path.join(OUT, name)


# 1. pandas' index ------------------------------------------------------------------------------

@case('pandas_index_digits.csv',
      'pd.DataFrame(clf.predict_proba(X)).assign(true=y).to_csv(path)',
      "the first, unnamed column is pandas' row index (0..N-1), not a class; classes are columns 0..9",
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(logreg(C=0.005, max_iter=300), *digits(), 0.25, 1)
    pd.DataFrame(clf.predict_proba(X)).assign(true=y).to_csv(path)
    d = read_csv(path, index_col=0, dtype={'true': str})
    return index_of(d['true'], DIGIT_NAMES), col_floats(d, DIGIT_NAMES)


@case('pandas_roundtrip_digits.csv',
      'pd.DataFrame(clf.predict_proba(X)).assign(true=y).to_csv(tmp); pd.read_csv(tmp).to_csv(path)',
      "two index columns: pandas' new unnamed one and the old one read back as `Unnamed: 0`",
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(mlp(max_iter=8, seed=2), *digits(), 0.25, 2)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = os.path.join(tmpdir, 'preds.csv')
        pd.DataFrame(clf.predict_proba(X)).assign(true=y).to_csv(tmp)
        pd.read_csv(tmp).to_csv(path)
    d = read_csv(path, dtype={'true': str})
    return index_of(d['true'], DIGIT_NAMES), col_floats(d, DIGIT_NAMES)


@case('pandas_index_label_wine.csv',
      "pd.DataFrame(clf.predict_proba(X_test), index=X_test.index, columns=clf.classes_)"
      ".assign(target=y_test).to_csv(path, index_label='idx')",
      "an `idx` column of shuffled row numbers (from train_test_split of an as_frame data set), some of them below 3, like the labels",
      'ce', 'probs', ['0', '1', '2'])
def _(path):
    w = load_wine(as_frame=True)
    clf, X, y = fit_test(logreg(C=0.02), w.data, w.target, 0.4, 3)
    pd.DataFrame(clf.predict_proba(X), index=X.index, columns=clf.classes_).assign(target=y).to_csv(
        path, index_label='idx')
    d = read_csv(path, dtype={'target': str})
    return index_of(d['target'], ['0', '1', '2']), col_floats(d, ['0', '1', '2'])


@case('pandas_noindex_iris.csv',
      "pd.DataFrame(cross_val_predict(clf, X, y, method='predict_proba')).assign(label=y).to_csv(path, index=False)",
      'prediction columns named 0, 1, 2 (pandas default names), like the labels they are the classes of',
      'ce', 'probs', ['0', '1', '2'])
def _(path):
    iris = load_iris()
    proba = cross_val_predict(logreg(C=0.05), iris.data, iris.target, cv=5, method='predict_proba')
    pd.DataFrame(proba).assign(label=iris.target).to_csv(path, index=False)
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], ['0', '1', '2']), col_floats(d, ['0', '1', '2'])


@case('pandas_index_shuffled_digits.csv',
      'pd.DataFrame(clf.predict_proba(X_test), index=X_test.index, columns=clf.classes_)'
      '.assign(label=y_test).to_csv(path)',
      "an unnamed first column of shuffled whole numbers 0..1796 (the test split's index): not a label, not a class",
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    d0 = load_digits(as_frame=True)
    clf, X, y = fit_test(logreg(C=0.003, max_iter=300), d0.data, d0.target, 0.25, 5)
    pd.DataFrame(clf.predict_proba(X), index=X.index, columns=clf.classes_).assign(label=y).to_csv(path)
    d = read_csv(path, index_col=0, dtype={'label': str})
    return index_of(d['label'], DIGIT_NAMES), col_floats(d, DIGIT_NAMES)


# 2. Sorted rows, many classes, missing classes -------------------------------------------------

@case('imagefolder_sorted_cifar.csv',
      "df = pd.DataFrame(probs, columns=dataset.classes); df.insert(0, 'label', ...); df.insert(0, 'filepath', ...); "
      "df.to_csv(path, index=False)  # rows in ImageFolder order",
      'rows sorted by class (90 airplanes, 90 automobiles, ...): the first 256 rows show 3 of the 10 classes; '
      'labels are class names, columns named by class',
      'ce', 'probs', CIFAR)
def _(path):
    X, y = make_classification(n_samples=3000, n_features=30, n_informative=15, n_redundant=5, n_classes=10,
                               n_clusters_per_class=1, class_sep=0.9, random_state=6)
    rng = np.random.RandomState(6)
    order = rng.permutation(len(y))
    test = np.concatenate([order[y[order] == k][:90] for k in range(10)])  # class by class
    train = np.setdiff1d(np.arange(len(y)), test)
    clf = logreg(C=0.01).fit(X[train], y[train])
    df = pd.DataFrame(clf.predict_proba(X[test]), columns=CIFAR)
    df.insert(0, 'label', [CIFAR[k] for k in y[test]])
    df.insert(0, 'filepath', [f'val/{CIFAR[k]}/{i:05d}.png' for i, k in zip(test, y[test])])
    df.to_csv(path, index=False)
    d = read_csv(path)
    return index_of(d['label'], CIFAR), col_floats(d, CIFAR)


@case('sorted_50_classes.csv',
      "pd.DataFrame(clf.predict_proba(X_sorted), columns=[f'prob_{k}' for k in clf.classes_])"
      ".assign(label=y_sorted).to_csv(path, index=False, float_format='%.5f')",
      '50 classes, rows sorted by class with a long tail (120, 90, 60, then 6 each): the first 256 rows show only labels 0, 1, 2',
      'ce', 'probs', [str(k) for k in range(50)])
def _(path):
    X, y = make_classification(n_samples=12000, n_features=40, n_informative=30, n_redundant=0, n_classes=50,
                               n_clusters_per_class=1, class_sep=1.6, random_state=7)
    rng = np.random.RandomState(7)
    order = rng.permutation(len(y))
    counts = [120, 90, 60] + [6] * 47
    test = np.concatenate([order[y[order] == k][:counts[k]] for k in range(50)])
    train = np.setdiff1d(np.arange(len(y)), test)
    clf = logreg(C=0.01).fit(X[train], y[train])
    pd.DataFrame(clf.predict_proba(X[test]), columns=[f'prob_{k}' for k in clf.classes_]).assign(
        label=y[test]).to_csv(path, index=False, float_format='%.5f')
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], [str(k) for k in range(50)]), col_floats(d, [f'prob_{k}' for k in range(50)])


@case('missing_class_digits.csv',
      "df = pd.DataFrame(clf.predict_proba(X_test), columns=[f'p_{k}' for k in range(10)]); df.insert(0, 'label', y_test); "
      "df[df.label != 9].to_csv(path, index=False)",
      'no sample of class 9 (the last): the labels go up to 8 while there are 10 prediction columns',
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(mlp(max_iter=6, seed=8), *digits(), 0.3, 8)
    df = pd.DataFrame(clf.predict_proba(X), columns=[f'p_{k}' for k in range(10)])
    df.insert(0, 'label', y)
    df[df.label != 9].to_csv(path, index=False)
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], DIGIT_NAMES), col_floats(d, [f'p_{k}' for k in range(10)])


@case('missing_class_iris.csv',
      "df = pd.DataFrame(proba, columns=iris.target_names).assign(species=iris.target_names[y]); "
      "df[df.species != 'versicolor'].to_csv(path, index=False)",
      'labels are names and one class (versicolor, the middle column) never occurs as a label',
      'ce', 'probs', ['setosa', 'versicolor', 'virginica'])
def _(path):
    iris = load_iris()
    proba = cross_val_predict(logreg(C=0.05), iris.data, iris.target, cv=5, method='predict_proba')
    df = pd.DataFrame(proba, columns=iris.target_names).assign(species=iris.target_names[iris.target])
    df[df.species != 'versicolor'].to_csv(path, index=False)
    names = list(iris.target_names)
    d = read_csv(path)
    return index_of(d['species'], names), col_floats(d, names)


@case('id_beside_class_columns_iris.csv',
      "df = pd.DataFrame(proba, columns=iris.target_names); df.insert(0, 'id', ids); df['label'] = names[y]; df.to_csv(path, index=False)",
      'a numeric `id` column (sample ids from 1001) before class-named probability columns: the id is no class',
      'ce', 'probs', ['setosa', 'versicolor', 'virginica'])
def _(path):
    iris = load_iris()
    proba = cross_val_predict(logreg(C=0.05), iris.data, iris.target, cv=5, method='predict_proba')
    df = pd.DataFrame(proba, columns=iris.target_names)
    df.insert(0, 'id', np.arange(1001, 1001 + len(proba)))
    df['label'] = iris.target_names[iris.target]
    df.to_csv(path, index=False)
    names = list(iris.target_names)
    d = read_csv(path)
    return index_of(d['label'], names), col_floats(d, names)


# 3. Labels that look like other things ----------------------------------------------------------

@case('yes_no_bank.csv',
      "df = pd.DataFrame(clf.predict_proba(X_test), columns=clf.classes_); df.insert(0, 'y', y_test); df.to_csv(path, index=False)",
      'labels yes/no (the UCI bank marketing target `y`), columns no,yes in predict_proba order: two classes named by words that read as booleans',
      'ce', 'probs', ['no', 'yes'])
def _(path):
    X, y = make_classification(n_samples=1200, n_features=12, n_informative=5, weights=[0.8], flip_y=0.05,
                               random_state=10)
    clf, Xt, yt = fit_test(logreg(C=0.05), X, np.where(y == 1, 'yes', 'no'), 0.25, 10)
    df = pd.DataFrame(clf.predict_proba(Xt), columns=clf.classes_)
    df.insert(0, 'y', yt)
    df.to_csv(path, index=False)
    d = read_csv(path)
    return index_of(d['y'], ['no', 'yes']), col_floats(d, ['no', 'yes'])


@case('true_false_columns.csv',
      'pd.DataFrame(clf.predict_proba(X_test), columns=clf.classes_).assign(label=y_test).to_csv(path, index=False)  # y is bool',
      'boolean labels written by pandas as True/False, columns False,True (predict_proba order)',
      'ce', 'probs', ['False', 'True'])
def _(path):
    bc = load_breast_cancer()
    clf, X, y = fit_test(logreg(C=0.01), bc.data, bc.target == 0, 0.3, 11)
    pd.DataFrame(clf.predict_proba(X), columns=clf.classes_).assign(label=y).to_csv(path, index=False)
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], ['False', 'True']), col_floats(d, ['False', 'True'])


@case('bool_labels.jsonl',
      "pd.DataFrame({'label': y_test, 'prob': clf.predict_proba(X_test)[:, 1]}).to_json(path, orient='records', lines=True)  # y is bool",
      'JSON booleans true/false as labels, `prob` = P(true)',
      'bce', 'probs', ['false', 'true'])
def _(path):
    X, y = make_classification(n_samples=1000, n_features=10, n_informative=4, flip_y=0.08, random_state=12)
    clf, Xt, yt = fit_test(logreg(C=0.1), X, y == 1, 0.3, 12)
    pd.DataFrame({'label': yt, 'prob': clf.predict_proba(Xt)[:, 1]}).to_json(path, orient='records', lines=True)
    recs = read_jsonl(path)
    return np.array([1.0 if r['label'] else 0.0 for r in recs]), np.array([float(r['prob']) for r in recs])


@case('pos_neg_reviews.tsv',
      "df = pd.DataFrame({'text': texts, 'label': y_test}); df[clf.classes_] = clf.predict_proba(X_test); "
      "df.to_csv(path, sep='\\t', index=False)",
      'TSV; labels pos/neg, columns neg,pos; a text column with commas and double quotes first',
      'ce', 'probs', ['neg', 'pos'])
def _(path):
    X, y = make_classification(n_samples=900, n_features=15, n_informative=6, flip_y=0.05, random_state=13)
    clf, Xt, yt = fit_test(logreg(C=0.05), X, np.where(y == 1, 'pos', 'neg'), 0.3, 13)
    df = pd.DataFrame({'text': texts(len(yt), 13, (yt == 'pos').astype(int), 2), 'label': yt})
    df[clf.classes_] = clf.predict_proba(Xt)
    df.to_csv(path, sep='\t', index=False)
    d = read_csv(path, sep='\t')
    return index_of(d['label'], ['neg', 'pos']), col_floats(d, ['neg', 'pos'])


@case('uci_wine_1_to_3.csv',
      "df = pd.DataFrame(cross_val_predict(clf, X, y, method='predict_proba'), columns=np.unique(y)); "
      "df.insert(0, 'Class', y); df.to_csv(path, index=False)  # y in 1..3, as in the UCI file",
      'labels 1..3 (UCI numbering) against columns named 1, 2, 3: label 1 is the first column, not the second',
      'ce', 'probs', ['1', '2', '3'])
def _(path):
    w = load_wine()
    y = w.target + 1
    df = pd.DataFrame(cross_val_predict(logreg(C=0.01), w.data, y, cv=5, method='predict_proba'), columns=np.unique(y))
    df.insert(0, 'Class', y)
    df.to_csv(path, index=False)
    d = read_csv(path, dtype={'Class': str})
    return index_of(d['Class'], ['1', '2', '3']), col_floats(d, ['1', '2', '3'])


@case('matlab_digits_1_to_10.csv',
      "np.savetxt(path, np.column_stack([y, clf.predict_proba(X)]), delimiter=',', fmt=['%d'] + ['%.10g'] * 10, "
      "header='y,' + ','.join(map(str, clf.classes_)), comments='')  # digit 0 labelled 10",
      'labels 1..10 against columns 1..10 (MATLAB / Octave convention, the digit 0 written as 10): label 10 is the last column',
      'ce', 'probs', [str(k) for k in range(1, 11)])
def _(path):
    X, d = digits()
    y = np.where(d == 0, 10, d)
    clf, Xt, yt = fit_test(logreg(C=0.004, max_iter=300), X, y, 0.25, 14)
    np.savetxt(path, np.column_stack([yt, clf.predict_proba(Xt)]), delimiter=',', fmt=['%d'] + ['%.10g'] * 10,
               header='y,' + ','.join(map(str, clf.classes_)), comments='')
    names = [str(k) for k in range(1, 11)]
    df = read_csv(path, dtype={'y': str})
    return index_of(df['y'], names), col_floats(df, names)


@case('svm_pm1_decision.csv',
      "pd.DataFrame({'y': y_test, 'decision_function': svc.decision_function(X_test)}).to_csv(path, index=False)  # y in {-1, +1}",
      'labels -1/1 and a LinearSVC decision_function column: binary, the scores are logits (positive means +1)',
      'bce', 'logits', ['-1', '1'])
def _(path):
    X, y = make_classification(n_samples=1000, n_features=10, n_informative=4, flip_y=0.05, random_state=15)
    svc, Xt, yt = fit_test(make_pipeline(StandardScaler(), LinearSVC(C=0.01, random_state=0)), X, 2 * y - 1, 0.3, 15)
    pd.DataFrame({'y': yt, 'decision_function': svc.decision_function(Xt)}).to_csv(path, index=False)
    d = read_csv(path)
    return (d['y'].to_numpy() == 1).astype(np.float64), d['decision_function'].to_numpy(dtype=np.float64)


@case('libsvm_pm1_scores.txt',
      "np.savetxt(path, np.c_[y_test, svc.decision_function(X_test)], fmt=['%+d', '%.6f'], delimiter='\\t', "
      "header='label\\tscore', comments='')",
      'tab-separated .txt; labels written +1/-1; the decision values are logits',
      'bce', 'logits', ['-1', '1'])
def _(path):
    X, y = make_classification(n_samples=800, n_features=8, n_informative=3, flip_y=0.1, random_state=16)
    svc, Xt, yt = fit_test(make_pipeline(StandardScaler(), LinearSVC(C=0.05, random_state=0)), X, 2 * y - 1, 0.3, 16)
    np.savetxt(path, np.c_[yt, svc.decision_function(Xt)], fmt=['%+d', '%.6f'], delimiter='\t',
               header='label\tscore', comments='')
    d = read_csv(path, sep='\t', dtype={'label': str})
    return (d['label'].map(float).to_numpy() == 1).astype(np.float64), d['score'].to_numpy(dtype=np.float64)


# 4. One probability column -----------------------------------------------------------------------

@case('prob_benign_breast_cancer.csv',
      "pd.DataFrame({'diagnosis': data.target_names[y], 'prob_benign': cross_val_predict(clf, X, y, method='predict_proba')[:, 1]})"
      ".to_csv(path, index=False)",
      'labels malignant/benign; the one column is P(benign), as its name says (benign is the positive class here)',
      'bce', 'probs', ['malignant', 'benign'])
def _(path):
    bc = load_breast_cancer()
    p = cross_val_predict(logreg(C=0.01), bc.data, bc.target, cv=5, method='predict_proba')[:, 1]
    pd.DataFrame({'diagnosis': bc.target_names[bc.target], 'prob_benign': p}).to_csv(path, index=False)
    d = read_csv(path)
    return (d['diagnosis'] == 'benign').to_numpy(dtype=np.float64), d['prob_benign'].to_numpy(dtype=np.float64)


@case('p_yes_subscribed.csv',
      "pd.DataFrame({'y': y_test, 'p_yes': clf.predict_proba(X_test)[:, 1]}).to_csv(path, index=False)",
      'labels yes/no, the one column is P(yes) as its name says',
      'bce', 'probs', ['no', 'yes'])
def _(path):
    X, y = make_classification(n_samples=1000, n_features=12, n_informative=4, weights=[0.75], flip_y=0.05,
                               random_state=17)
    clf, Xt, yt = fit_test(logreg(C=0.05), X, np.where(y == 1, 'yes', 'no'), 0.3, 17)
    pd.DataFrame({'y': yt, 'p_yes': clf.predict_proba(Xt)[:, 1]}).to_csv(path, index=False)
    d = read_csv(path)
    return (d['y'] == 'yes').to_numpy(dtype=np.float64), d['p_yes'].to_numpy(dtype=np.float64)


@case('score_ham_spam.csv',
      "pd.DataFrame({'label': y_test, 'score': clf.predict_proba(X_test)[:, 1]}).to_csv(path, index=False)",
      'labels ham/spam and a column `score`: its name does not say which class it is the probability of '
      "(here P(spam), predict_proba's second column in sklearn's sorted order)",
      'bce', 'probs', ['ham', 'spam'], ambiguous=True, flags=['--class-names', 'ham,spam'])
def _(path):
    X, y = make_classification(n_samples=1000, n_features=12, n_informative=5, weights=[0.7], flip_y=0.05,
                               random_state=18)
    clf, Xt, yt = fit_test(logreg(C=0.05), X, np.where(y == 1, 'spam', 'ham'), 0.3, 18)
    pd.DataFrame({'label': yt, 'score': clf.predict_proba(Xt)[:, 1]}).to_csv(path, index=False)
    d = read_csv(path)
    return (d['label'] == 'spam').to_numpy(dtype=np.float64), d['score'].to_numpy(dtype=np.float64)


@case('proba_cat_dog.jsonl',
      "pd.DataFrame({'label': y_test, 'proba': clf.predict_proba(X_test)[:, 1]}).to_json(path, orient='records', lines=True)",
      'labels cat/dog and a field `proba` whose name does not say which class (here P(dog), sorted order)',
      'bce', 'probs', ['cat', 'dog'], ambiguous=True, flags=['--class-names', 'cat,dog'])
def _(path):
    X, y = make_classification(n_samples=800, n_features=10, n_informative=4, flip_y=0.05, random_state=19)
    clf, Xt, yt = fit_test(logreg(C=0.05), X, np.where(y == 1, 'dog', 'cat'), 0.3, 19)
    pd.DataFrame({'label': yt, 'proba': clf.predict_proba(Xt)[:, 1]}).to_json(path, orient='records', lines=True)
    recs = read_jsonl(path)
    return np.array([1.0 if r['label'] == 'dog' else 0.0 for r in recs]), np.array([float(r['proba']) for r in recs])


@case('keras_sigmoid_col0.csv',
      'pd.DataFrame(model.predict(X_test)).assign(label=y_test).to_csv(path, index=False)  # one sigmoid output, float32',
      'one sigmoid output, so pandas names its column `0`: it is P(1), not the probability of class 0',
      'bce', 'probs', ['0', '1'])
def _(path):
    bc = load_breast_cancer()
    Xtr, Xte, ytr, yte = split(bc.data, bc.target, 0.3, 20)
    net, _ = torch_net(Xtr, ytr, (16,), 25, 0.01, 20, 2)
    # A Keras-like binary model: the difference of the two logits is the sigmoid's logit.
    sc = StandardScaler().fit(Xtr)
    with torch.no_grad():
        o = net(torch.tensor(sc.transform(Xte), dtype=torch.float32))
        pred = torch.sigmoid(o[:, 1:2] - o[:, 0:1]).numpy()  # shape (N, 1), float32
    pd.DataFrame(pred).assign(label=yte).to_csv(path, index=False)
    d = read_csv(path)
    return d['label'].to_numpy(dtype=np.float64), d['0'].to_numpy(dtype=np.float64)


@case('proba_1_breast.csv.gz',
      "pd.DataFrame({'target': y_test, 'proba_1': clf.predict_proba(X_test)[:, 1]}).to_csv(path, index=False, "
      "compression={'method': 'gzip', 'mtime': 0})",
      'gzip (by the .gz name, as pandas does); `proba_1` = P(class 1) of 0/1 labels',
      'bce', 'probs', ['0', '1'])
def _(path):
    bc = load_breast_cancer()
    clf, X, y = fit_test(logreg(C=0.003), bc.data, bc.target, 0.4, 21)
    pd.DataFrame({'target': y, 'proba_1': clf.predict_proba(X)[:, 1]}).to_csv(
        path, index=False, compression={'method': 'gzip', 'mtime': 0})
    d = read_csv(path, compression='gzip')
    return d['target'].to_numpy(dtype=np.float64), d['proba_1'].to_numpy(dtype=np.float64)


# 5. Rounded probabilities -----------------------------------------------------------------------

@case('rounded_2dp_digits.csv',
      "pd.DataFrame(clf.predict_proba(X_test), columns=[f'prob_{k}' for k in range(10)]).round(2)"
      ".assign(label=y_test).to_csv(path, index=False)",
      'probabilities rounded to 2 decimals: rows sum to 0.98 .. 1.01 to the digits written, and a true class written 0.0 (clipped to 1e-15)',
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(mlp(max_iter=100, seed=22), *digits(), 0.25, 22)
    cols = [f'prob_{k}' for k in range(10)]
    pd.DataFrame(clf.predict_proba(X), columns=cols).round(2).assign(label=y).to_csv(path, index=False)
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], DIGIT_NAMES), col_floats(d, cols)


@case('float_format_3f_wine.csv',
      "pd.DataFrame(proba, columns=['p_0', 'p_1', 'p_2']).assign(label=y).to_csv(path, index=False, float_format='%.3f')",
      "probabilities written with 3 decimals (0.000 and 1.000 appear); rows sum to 1 only to the digits written",
      'ce', 'probs', ['0', '1', '2'])
def _(path):
    w = load_wine()
    proba = cross_val_predict(mlp(max_iter=60, seed=23), w.data, w.target, cv=5, method='predict_proba')
    cols = ['p_0', 'p_1', 'p_2']
    pd.DataFrame(proba, columns=cols).assign(label=w.target).to_csv(path, index=False, float_format='%.3f')
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], ['0', '1', '2']), col_floats(d, cols)


@case('float_format_4g_digits.csv',
      "pd.DataFrame(clf.predict_proba(X_test), columns=[f'p{k}' for k in range(10)]).assign(digit=y_test)"
      ".to_csv(path, index=False, float_format='%.4g')",
      "4 significant digits: plain and exponent notation mixed (0.9731, 3.1e-07)",
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(logreg(C=0.05, max_iter=300), *digits(), 0.25, 24)
    cols = [f'p{k}' for k in range(10)]
    pd.DataFrame(clf.predict_proba(X), columns=cols).assign(digit=y).to_csv(path, index=False, float_format='%.4g')
    d = read_csv(path, dtype={'digit': str})
    return index_of(d['digit'], DIGIT_NAMES), col_floats(d, cols)


@case('float32_softmax_digits.csv',
      'pd.DataFrame(torch.softmax(model(X_test), 1).numpy()).assign(y_true=y_test).to_csv(path, index=False)  # float32, as Keras model.predict',
      'float32 softmax outputs written at float32 precision (~8 digits): rows sum to 1 within ~1e-7; columns named 0..9',
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    X, y = digits()
    Xtr, Xte, ytr, yte = split(X, y, 0.25, 25)
    net, _ = torch_net(Xtr, ytr, (32,), 12, 0.01, 25, 10)
    sc = StandardScaler().fit(Xtr)
    with torch.no_grad():
        probs = torch.softmax(net(torch.tensor(sc.transform(Xte), dtype=torch.float32)), 1).numpy()
    pd.DataFrame(probs).assign(y_true=yte).to_csv(path, index=False)
    d = read_csv(path, dtype={'y_true': str})
    return index_of(d['y_true'], DIGIT_NAMES), col_floats(d, DIGIT_NAMES)


# 6. Hard predictions beside the probabilities ---------------------------------------------------

@case('y_pred_beside_probs_iris.csv',
      "df = pd.DataFrame({'y_true': y, 'y_pred': cross_val_predict(clf, X, y)}); "
      "df[['p_0', 'p_1', 'p_2']] = cross_val_predict(clf, X, y, method='predict_proba'); df.to_csv(path, index=False)",
      'a `y_pred` column of predicted classes (whole numbers 0..2) before the probability columns',
      'ce', 'probs', ['0', '1', '2'])
def _(path):
    iris = load_iris()
    clf = logreg(C=0.05)
    df = pd.DataFrame({'y_true': iris.target, 'y_pred': cross_val_predict(clf, iris.data, iris.target, cv=5)})
    df[['p_0', 'p_1', 'p_2']] = cross_val_predict(clf, iris.data, iris.target, cv=5, method='predict_proba')
    df.to_csv(path, index=False)
    d = read_csv(path, dtype={'y_true': str})
    return index_of(d['y_true'], ['0', '1', '2']), col_floats(d, ['p_0', 'p_1', 'p_2'])


@case('pred_beside_prob_breast.csv',
      "pd.DataFrame({'label': y_test, 'pred': clf.predict(X_test), 'prob': clf.predict_proba(X_test)[:, 1]}).to_csv(path, index=False)",
      'binary with a hard `pred` column of 0/1 (values in [0, 1], so they pass for probabilities) before `prob`',
      'bce', 'probs', ['0', '1'])
def _(path):
    bc = load_breast_cancer()
    clf, X, y = fit_test(logreg(C=0.005), bc.data, bc.target, 0.4, 27)
    pd.DataFrame({'label': y, 'pred': clf.predict(X), 'prob': clf.predict_proba(X)[:, 1]}).to_csv(path, index=False)
    d = read_csv(path)
    return d['label'].to_numpy(dtype=np.float64), d['prob'].to_numpy(dtype=np.float64)


@case('predicted_label_wine.csv',
      "df = pd.DataFrame({'true_label': y_test, 'predicted_label': clf.predict(X_test)}); "
      "df[clf.classes_] = clf.predict_proba(X_test); df.to_csv(path, index=False)",
      'string labels (wine cultivars) and a `predicted_label` column of names; columns in sklearn\'s sorted order (barbera, barolo, grignolino)',
      'ce', 'probs', sorted(CULTIVARS))
def _(path):
    w = load_wine()
    clf, X, y = fit_test(logreg(C=0.01), w.data, np.array(CULTIVARS)[w.target], 0.4, 28)
    df = pd.DataFrame({'true_label': y, 'predicted_label': clf.predict(X)})
    df[clf.classes_] = clf.predict_proba(X)
    df.to_csv(path, index=False)
    d = read_csv(path)
    names = sorted(CULTIVARS)
    return index_of(d['true_label'], names), col_floats(d, names)


# 7. Multi-label ----------------------------------------------------------------------------------

GENRES = ['action', 'comedy', 'drama', 'horror', 'romance', 'thriller']


@case('multilabel_genres.csv',
      "df = pd.DataFrame(Y_test, columns=genres); df[[g + '_prob' for g in genres]] = ovr.predict_proba(X_test); "
      "df.insert(0, 'movie_id', ids); df.to_csv(path, index=False)",
      'multi-label: 0/1 target columns `action`.. paired by name with `action_prob`..; some rows have no label, some several',
      'multilabel', 'probs', GENRES)
def _(path):
    X, Y = make_multilabel_classification(n_samples=800, n_features=20, n_classes=6, n_labels=2, allow_unlabeled=True,
                                          random_state=30)
    Xtr, Xte, Ytr, Yte = train_test_split(X, Y, test_size=0.35, random_state=30)
    ovr = OneVsRestClassifier(make_pipeline(StandardScaler(), LogisticRegression(C=0.01))).fit(Xtr, Ytr)
    df = pd.DataFrame(Yte, columns=GENRES)
    df[[g + '_prob' for g in GENRES]] = ovr.predict_proba(Xte)
    df.insert(0, 'movie_id', [f'tt{1000000 + 37 * i}' for i in range(len(Yte))])
    df.to_csv(path, index=False)
    d = read_csv(path)
    return col_floats(d, GENRES), col_floats(d, [g + '_prob' for g in GENRES])


@case('multilabel_true_pred.csv',
      "mlb = MultiLabelBinarizer(); Y = mlb.fit_transform(tags); "
      "pd.concat([pd.DataFrame(Y_test, columns=['true_' + c for c in mlb.classes_]), "
      "pd.DataFrame(mlp.predict_proba(X_test), columns=['pred_' + c for c in mlb.classes_])], axis=1).to_csv(path, index=False)",
      'multi-label: `true_bird`.. and `pred_bird`.. (probabilities, despite the name pred_)',
      'multilabel', 'probs', ['bird', 'car', 'cat', 'dog'])
def _(path):
    X, Y = make_multilabel_classification(n_samples=700, n_features=16, n_classes=4, n_labels=1, allow_unlabeled=True,
                                          random_state=31)
    Xtr, Xte, Ytr, Yte = train_test_split(X, Y, test_size=0.4, random_state=31)
    clf = mlp(hidden=(16,), max_iter=25, seed=31).fit(Xtr, Ytr)
    names = ['bird', 'car', 'cat', 'dog']
    pd.concat([pd.DataFrame(Yte, columns=['true_' + c for c in names]),
               pd.DataFrame(clf.predict_proba(Xte), columns=['pred_' + c for c in names])], axis=1).to_csv(path, index=False)
    d = read_csv(path)
    return col_floats(d, ['true_' + c for c in names]), col_floats(d, ['pred_' + c for c in names])


TOXIC = ['toxic', 'obscene', 'insult', 'threat']


@case('multilabel_y_p_toxic.csv',
      "df = pd.DataFrame({'comment_id': ids}); for j, c in enumerate(labels): df['y_' + c] = Y_test[:, j]; "
      "df['p_' + c] = moc.predict_proba(X_test)[j][:, 1]; df.to_csv(path, index=False)",
      'multi-label with `y_toxic`, `p_toxic`, `y_obscene`, `p_obscene`.. interleaved (a MultiOutputClassifier)',
      'multilabel', 'probs', TOXIC)
def _(path):
    X, Y = make_multilabel_classification(n_samples=700, n_features=18, n_classes=4, n_labels=1, allow_unlabeled=True,
                                          random_state=32)
    Xtr, Xte, Ytr, Yte = train_test_split(X, Y, test_size=0.4, random_state=32)
    moc = MultiOutputClassifier(make_pipeline(StandardScaler(), LogisticRegression(C=0.02))).fit(Xtr, Ytr)
    probs = moc.predict_proba(Xte)
    df = pd.DataFrame({'comment_id': [f'{0x5f3a + 13 * i:x}' for i in range(len(Yte))]})
    for j, c in enumerate(TOXIC):
        df['y_' + c] = Yte[:, j]
        df['p_' + c] = probs[j][:, 1]
    df.to_csv(path, index=False)
    d = read_csv(path)
    return col_floats(d, ['y_' + c for c in TOXIC]), col_floats(d, ['p_' + c for c in TOXIC])


@case('hf_multilabel_logits.jsonl',
      "pd.DataFrame({'label_ids': out.label_ids.tolist(), 'logits': out.predictions.tolist()})"
      ".to_json(path, orient='records', lines=True)  # problem_type='multi_label_classification'",
      'Hugging Face multi-label: `label_ids` are float 0/1 vectors, `logits` one per label (sigmoid)',
      'multilabel', 'logits', ['0', '1', '2', '3', '4'])
def _(path):
    X, Y = make_multilabel_classification(n_samples=600, n_features=20, n_classes=5, n_labels=2, allow_unlabeled=False,
                                          random_state=33)
    Xtr, Xte, Ytr, Yte = train_test_split(X, Y, test_size=0.4, random_state=33)
    net, _ = torch_net(Xtr, Ytr, (16,), 30, 0.01, 33, 5, multilabel=True)
    sc = StandardScaler().fit(Xtr)
    with torch.no_grad():
        logits = net(torch.tensor(sc.transform(Xte), dtype=torch.float32)).numpy()
    out = PredictionOutput(predictions=logits, label_ids=Yte.astype(np.float32), metrics={})
    pd.DataFrame({'label_ids': out.label_ids.tolist(), 'logits': out.predictions.tolist()}).to_json(
        path, orient='records', lines=True)
    recs = read_jsonl(path)
    return (np.array([r['label_ids'] for r in recs], dtype=np.float64),
            np.array([r['logits'] for r in recs], dtype=np.float64))


# 8. np.savetxt, European CSV ---------------------------------------------------------------------

@case('savetxt_default.txt',
      'np.savetxt(path, np.column_stack([y_test, clf.predict_proba(X_test)]))',
      "no header, space-separated, every value as %.18e (the label too: 3.000000000000000000e+00); "
      "which column is the label (a true or a predicted class?) the file does not say",
      'ce', 'probs', DIGIT_NAMES, ambiguous=True, flags=['--label-column', 'column 1'])
def _(path):
    clf, X, y = fit_test(logreg(C=0.01, max_iter=300), *digits(), 0.17, 34)
    np.savetxt(path, np.column_stack([y, clf.predict_proba(X)]))
    a = np.loadtxt(path, dtype=np.float64)
    return a[:, 0].astype(np.int64), a[:, 1:]


@case('savetxt_header.txt',
      "np.savetxt(path, np.column_stack([y_test, clf.predict_proba(X_test)]), header='label ' + ' '.join(f'p{k}' for k in range(10)))",
      "numpy's '# label p0 p1 ...' comment line is the header; space-separated; labels as %.18e",
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(mlp(max_iter=10, seed=35), *digits(), 0.17, 35)
    np.savetxt(path, np.column_stack([y, clf.predict_proba(X)]), header='label ' + ' '.join(f'p{k}' for k in range(10)))
    a = np.loadtxt(path, dtype=np.float64)
    return a[:, 0].astype(np.int64), a[:, 1:]


@case('savetxt_comma_headerless.csv',
      "np.savetxt(path, np.column_stack([proba, y]), delimiter=',', fmt='%.8f')",
      'no header, commas, the label last and written 2.00000000; which column is the label the file does not say',
      'ce', 'probs', ['0', '1', '2'], ambiguous=True, flags=['--label-column', 'column 4'])
def _(path):
    w = load_wine()
    proba = cross_val_predict(logreg(C=0.02), w.data, w.target, cv=5, method='predict_proba')
    np.savetxt(path, np.column_stack([proba, w.target]), delimiter=',', fmt='%.8f')
    a = np.loadtxt(path, delimiter=',', dtype=np.float64)
    return a[:, 3].astype(np.int64), a[:, :3]


@case('excel_european_iris.csv',
      "pd.DataFrame(proba, columns=iris.target_names).assign(species=iris.target_names[y])"
      ".to_csv(path, sep=';', decimal=',', index=False, float_format='%.6f')",
      "a European Excel CSV: semicolons between fields, decimal commas (0,973214)",
      'ce', 'probs', ['setosa', 'versicolor', 'virginica'])
def _(path):
    iris = load_iris()
    proba = cross_val_predict(mlp(max_iter=80, seed=36), iris.data, iris.target, cv=5, method='predict_proba')
    pd.DataFrame(proba, columns=iris.target_names).assign(species=iris.target_names[iris.target]).to_csv(
        path, sep=';', decimal=',', index=False, float_format='%.6f')
    d = pd.read_csv(path, sep=';', dtype=str, keep_default_na=False)
    names = list(iris.target_names)
    P = np.array([[float(v.replace(',', '.')) for v in d[c]] for c in names], dtype=np.float64).T
    return index_of(d['species'], names), P


# 9. Hugging Face, JSON, scores, names, text -----------------------------------------------------

def _digits_trainer(seed):
    X, y = digits()
    Xtr, Xte, ytr, yte = split(X, y, 0.25, seed)
    net, _ = torch_net(Xtr, ytr, (32,), 10, 0.01, seed, 10)
    sc = StandardScaler().fit(Xtr)
    return trainer_predict(net, sc.transform(Xte), yte)


@case('hf_predict_logits_list.csv',
      "out = trainer.predict(test_ds); pd.DataFrame({'label_ids': out.label_ids, 'logits': out.predictions.tolist()})"
      ".to_csv(path, index=False)",
      'logits as a Python list in one quoted cell: "[-1.0463..., 2.38...]"',
      'ce', 'logits', DIGIT_NAMES)
def _(path):
    out = _digits_trainer(38)
    pd.DataFrame({'label_ids': out.label_ids, 'logits': out.predictions.tolist()}).to_csv(path, index=False)
    d = read_csv(path, dtype={'label_ids': str, 'logits': str})
    return index_of(d['label_ids'], DIGIT_NAMES), np.stack([vector_text(s) for s in d['logits']])


@case('hf_predict_numpy_repr.csv',
      "out = trainer.predict(test_ds); pd.DataFrame({'label_ids': out.label_ids, 'predictions': list(out.predictions)})"
      ".to_csv(path, index=False)",
      "each cell is numpy's str of a float32 array: no commas, 8 significant digits, wrapped over two lines inside the quotes",
      'ce', 'logits', DIGIT_NAMES)
def _(path):
    out = _digits_trainer(39)
    pd.DataFrame({'label_ids': out.label_ids, 'predictions': list(out.predictions)}).to_csv(path, index=False)
    d = read_csv(path, dtype={'label_ids': str, 'predictions': str})
    return index_of(d['label_ids'], DIGIT_NAMES), np.stack([vector_text(s) for s in d['predictions']])


@case('hf_predict_text.jsonl',
      "pd.DataFrame({'text': test_ds['text'], 'label_ids': out.label_ids, 'predictions': out.predictions.tolist()})"
      ".to_json(path, orient='records', lines=True, force_ascii=False)",
      'JSONL with a text field (commas, quotes, newlines escaped) before `label_ids` and the logits; 3 classes',
      'ce', 'logits', ['0', '1', '2'])
def _(path):
    X, y = make_classification(n_samples=900, n_features=20, n_informative=8, n_classes=3, n_clusters_per_class=1,
                               flip_y=0.05, random_state=40)
    Xtr, Xte, ytr, yte = split(X, y, 0.3, 40)
    net, _ = torch_net(Xtr, ytr, (16,), 15, 0.01, 40, 3)
    out = trainer_predict(net, StandardScaler().fit(Xtr).transform(Xte), yte)
    pd.DataFrame({'text': texts(len(yte), 40, yte, 3), 'label_ids': out.label_ids,
                  'predictions': out.predictions.tolist()}).to_json(path, orient='records', lines=True, force_ascii=False)
    recs = read_jsonl(path)
    return np.array([r['label_ids'] for r in recs], dtype=np.int64), np.array([r['predictions'] for r in recs], dtype=np.float64)


@case('hf_predict_metrics.json',
      "out = trainer.predict(test_ds); json.dump({'predictions': out.predictions.tolist(), 'label_ids': out.label_ids.tolist(), "
      "'metrics': out.metrics}, f)",
      'a JSON document of parallel arrays beside a `metrics` object; two logits per row (a binary Hugging Face model): categorical',
      'ce', 'logits', ['0', '1'])
def _(path):
    bc = load_breast_cancer()
    Xtr, Xte, ytr, yte = split(bc.data, bc.target, 0.4, 41)
    net, _ = torch_net(Xtr, ytr, (8,), 8, 0.01, 41, 2)
    out = trainer_predict(net, StandardScaler().fit(Xtr).transform(Xte), yte)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump({'predictions': out.predictions.tolist(), 'label_ids': out.label_ids.tolist(), 'metrics': out.metrics}, f)
    j = read_json(path)
    return np.array(j['label_ids'], dtype=np.int64), np.array(j['predictions'], dtype=np.float64)


@case('records_orient_iris.json',
      "pd.DataFrame(proba, columns=iris.target_names).assign(label=iris.target_names[y]).to_json(path, orient='records')",
      'a JSON array of records; values rounded to 10 digits by to_json (double_precision=10)',
      'ce', 'probs', ['setosa', 'versicolor', 'virginica'])
def _(path):
    iris = load_iris()
    proba = cross_val_predict(logreg(C=0.1), iris.data, iris.target, cv=5, method='predict_proba')
    pd.DataFrame(proba, columns=iris.target_names).assign(label=iris.target_names[iris.target]).to_json(path, orient='records')
    recs = read_json(path)
    names = list(iris.target_names)
    return index_of([r['label'] for r in recs], names), np.array([[r[c] for c in names] for r in recs], dtype=np.float64)


@case('columns_orient_wine.json',
      "pd.DataFrame(clf.predict_proba(X_test), index=X_test.index, columns=['p_0', 'p_1', 'p_2']).assign(label=y_test).to_json(path)  # orient='columns', the default",
      "to_json's default: {column: {index: value}}, keyed by the shuffled row index",
      'ce', 'probs', ['0', '1', '2'])
def _(path):
    w = load_wine(as_frame=True)
    clf, X, y = fit_test(mlp(max_iter=40, seed=42), w.data, w.target, 0.5, 42)
    pd.DataFrame(clf.predict_proba(X), index=X.index, columns=['p_0', 'p_1', 'p_2']).assign(label=y).to_json(path)
    j = read_json(path)
    keys = list(j['label'].keys())
    return (np.array([j['label'][k] for k in keys], dtype=np.int64),
            np.array([[j[c][k] for c in ['p_0', 'p_1', 'p_2']] for k in keys], dtype=np.float64))


@case('split_orient_digits.json',
      "pd.DataFrame(clf.predict_proba(X_test), columns=[f'prob_{k}' for k in range(10)]).assign(label=y_test).to_json(path, orient='split')",
      "to_json(orient='split'): {\"columns\": [...], \"index\": [...], \"data\": [[...], ...]}, the label inside each data row",
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(logreg(C=0.01, max_iter=300), *digits(), 0.15, 43)
    pd.DataFrame(clf.predict_proba(X), columns=[f'prob_{k}' for k in range(10)]).assign(label=y).to_json(path, orient='split')
    j = read_json(path)
    cols = j['columns']
    data = np.array(j['data'], dtype=np.float64)
    return data[:, cols.index('label')].astype(np.int64), data[:, [cols.index(f'prob_{k}') for k in range(10)]]


@case('decision_function_iris.csv',
      "pd.DataFrame(cross_val_predict(LinearSVC(), X, y, method='decision_function'), columns=iris.target_names)"
      ".assign(species=iris.target_names[y]).to_csv(path, index=False)",
      'one-vs-rest LinearSVC scores per class (logits, mostly in [-3, 2]) in class-named columns, string labels',
      'ce', 'logits', ['setosa', 'versicolor', 'virginica'])
def _(path):
    iris = load_iris()
    svc = make_pipeline(StandardScaler(), LinearSVC(C=0.05, random_state=0))
    scores = cross_val_predict(svc, iris.data, iris.target, cv=5, method='decision_function')
    pd.DataFrame(scores, columns=iris.target_names).assign(species=iris.target_names[iris.target]).to_csv(path, index=False)
    names = list(iris.target_names)
    d = read_csv(path)
    return index_of(d['species'], names), col_floats(d, names)


@case('class_names_special.csv',
      "df = pd.DataFrame(clf.predict_proba(X_test), columns=names); df.insert(0, 'label', np.array(names)[y_test]); "
      "df.to_csv(path, index=False)",
      'class names with a slash, spaces, a comma and double quotes ("Bag, leather", Ankle "boot"), quoted by the csv writer',
      'ce', 'probs', FASHION)
def _(path):
    clf, X, y = fit_test(mlp(max_iter=12, seed=44), *digits(), 0.25, 44)
    df = pd.DataFrame(clf.predict_proba(X), columns=FASHION)
    df.insert(0, 'label', np.array(FASHION, dtype=object)[y])
    df.to_csv(path, index=False)
    d = read_csv(path)
    return index_of(d['label'], FASHION), col_floats(d, FASHION)


@case('reviews_text_newlines.csv',
      "df = pd.DataFrame({'review': texts, 'label': y_test}); df[clf.classes_] = clf.predict_proba(X_test); df.to_csv(path, index=False)",
      'a free-text column with commas, doubled quotes and newlines inside quoted fields; labels negative/neutral/positive',
      'ce', 'probs', ['negative', 'neutral', 'positive'])
def _(path):
    X, y = make_classification(n_samples=1000, n_features=20, n_informative=8, n_classes=3, n_clusters_per_class=1,
                               flip_y=0.05, random_state=45)
    names = np.array(['negative', 'neutral', 'positive'])
    clf, Xt, yt = fit_test(logreg(C=0.02), X, names[y], 0.3, 45)
    df = pd.DataFrame({'review': texts(len(yt), 45, [list(names).index(v) for v in yt], 3), 'label': yt})
    df[clf.classes_] = clf.predict_proba(Xt)
    df.to_csv(path, index=False)
    d = read_csv(path)
    return index_of(d['label'], list(names)), col_floats(d, list(names))


@case('onehot_targets_iris.csv',
      "pd.DataFrame(np.hstack([to_categorical(y), proba]), columns=['y_0', 'y_1', 'y_2', 'p_0', 'p_1', 'p_2']).to_csv(path, index=False)",
      'one-hot targets (written 1.0/0.0) beside softmax outputs, Keras style: categorical, not multi-label',
      'ce', 'probs', ['0', '1', '2'])
def _(path):
    iris = load_iris()
    proba = cross_val_predict(mlp(max_iter=60, seed=46), iris.data, iris.target, cv=5, method='predict_proba')
    pd.DataFrame(np.hstack([np.eye(3)[iris.target], proba]), columns=['y_0', 'y_1', 'y_2', 'p_0', 'p_1', 'p_2']).to_csv(
        path, index=False)
    d = read_csv(path)
    return col_floats(d, ['y_0', 'y_1', 'y_2']).argmax(axis=1), col_floats(d, ['p_0', 'p_1', 'p_2'])


@case('float_labels_digits.csv',
      "pd.DataFrame(clf.predict_proba(X_test), columns=[f'prob_{k}' for k in range(10)]).assign(label=y_test.astype(float))"
      ".to_csv(path, index=False)",
      'labels written as floats (3.0), as after a merge that brought in a NaN',
      'ce', 'probs', DIGIT_NAMES)
def _(path):
    clf, X, y = fit_test(logreg(C=0.002, max_iter=300), *digits(), 0.2, 47)
    cols = [f'prob_{k}' for k in range(10)]
    pd.DataFrame(clf.predict_proba(X), columns=cols).assign(label=y.astype(float)).to_csv(path, index=False)
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], DIGIT_NAMES, key=num_key), col_floats(d, cols)


@case('classes_field_wine.json',
      "json.dump({'classes': clf.classes_.tolist(), 'y_true': y_test.tolist(), 'y_prob': clf.predict_proba(X_test).tolist()}, f)",
      'parallel arrays with the class names in a `classes` field; labels are names, y_prob rows follow `classes`',
      'ce', 'probs', sorted(CULTIVARS))
def _(path):
    w = load_wine()
    clf, X, y = fit_test(logreg(C=0.005), w.data, np.array(CULTIVARS)[w.target], 0.4, 48)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump({'classes': clf.classes_.tolist(), 'y_true': y.tolist(), 'y_prob': clf.predict_proba(X).tolist()}, f)
    j = read_json(path)
    return index_of(j['y_true'], j['classes']), np.array(j['y_prob'], dtype=np.float64)


# 10. Mixed evidence ------------------------------------------------------------------------------

@case('ovr_sigmoid_unnormalised.csv',
      "pd.DataFrame(np.column_stack([e.predict_proba(X_test)[:, 1] for e in ovr.estimators_]), "
      "columns=[f'p_{k}' for k in range(10)]).assign(label=y_test).to_csv(path, index=False)",
      'one-vs-rest sigmoid probabilities: all in [0, 1] but rows sum to 0.18 .. 1.44: probabilities or logits? '
      '(probabilities, not renormalised)',
      'ce', 'probs', DIGIT_NAMES, ambiguous=True, flags=['--input', 'probs'])
def _(path):
    X, y = digits()
    Xtr, Xte, ytr, yte = split(X, y, 0.25, 49)
    ovr = OneVsRestClassifier(LogisticRegression(C=0.05, max_iter=300)).fit(StandardScaler().fit(Xtr).transform(Xtr), ytr)
    Xs = StandardScaler().fit(Xtr).transform(Xte)
    cols = [f'p_{k}' for k in range(10)]
    pd.DataFrame(np.column_stack([e.predict_proba(Xs)[:, 1] for e in ovr.estimators_]), columns=cols).assign(
        label=yte).to_csv(path, index=False)
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], DIGIT_NAMES), col_floats(d, cols)


@case('logits_mostly_unit_interval.csv',
      'pd.DataFrame(model(X_test).detach().numpy()).assign(label=y_test).to_csv(path, index=False)  # raw outputs early in training',
      'raw logits of a barely trained network: every value of 478 of the 480 rows lies in [0, 1] (rows sum to 1.0 .. 2.1); '
      'only lines 270 and 280, after the first 256 rows, go outside',
      'ce', 'logits', ['0', '1', '2'], ambiguous=True, flags=['--input', 'logits'])
def _(path):
    X, y = make_classification(n_samples=1200, n_features=12, n_informative=5, n_classes=3, n_clusters_per_class=1,
                               random_state=50)
    Xtr, Xte, ytr, yte = split(X, y, 0.4, 50)
    net, _ = torch_net(Xtr, ytr, (), 3, 0.004, 53, 3, bias_init=0.5, weight_scale=0.25)
    with torch.no_grad():
        z = net(torch.tensor(StandardScaler().fit(Xtr).transform(Xte), dtype=torch.float32)).numpy()
    pd.DataFrame(z).assign(label=yte).to_csv(path, index=False)
    d = read_csv(path, dtype={'label': str})
    return index_of(d['label'], ['0', '1', '2']), col_floats(d, ['0', '1', '2'])


@case('binary_logit_named.csv',
      "pd.DataFrame({'label': y_test, 'logit': model(X_test).squeeze(1).detach().numpy()}).to_csv(path, index=False)",
      'a column named `logit` whose values lie in [0, 1] in 94% of the rows (the first outside on line 13): the name says logits',
      'bce', 'logits', ['0', '1'])
def _(path):
    X, y = make_classification(n_samples=900, n_features=10, n_informative=4, flip_y=0.05, random_state=51)
    Xtr, Xte, ytr, yte = split(X, y, 0.4, 51)
    net, _ = torch_net(Xtr, ytr, (), 3, 0.004, 51, 2, bias_init=0.25, weight_scale=0.3)
    with torch.no_grad():
        o = net(torch.tensor(StandardScaler().fit(Xtr).transform(Xte), dtype=torch.float32))
        z = (o[:, 1:2] - o[:, 0:1] + 0.5).squeeze(1).numpy()  # one logit: log-odds of class 1, shifted by a bias
    pd.DataFrame({'label': yte, 'logit': z}).to_csv(path, index=False)
    d = read_csv(path)
    return d['label'].to_numpy(dtype=np.float64), d['logit'].to_numpy(dtype=np.float64)


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------

def dump(value, indent=0):
    """JSON with two-space indentation, lists of numbers or strings on one line."""
    pad = '  ' * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k)}: {dump(v, indent + 1)}' for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + f'\n{pad}}}'
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return '[\n' + ',\n'.join(f'{pad}  {dump(v, indent + 1)}' for v in value) + f'\n{pad}]'
    return json.dumps(value, ensure_ascii=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name != 'README.md':
            os.remove(os.path.join(OUT, name))
    files = []
    total = 0
    print(f'{"file":36} {"N":>5} {"mean":>20} {"sklearn rel. diff":>18}')
    for c in CASES:
        path = P_(c['file'])
        y, P = c['fn'](path)
        kind, inp, names = c['kind'], c['input'], c['classNames']
        k = len(names)
        if kind == 'ce':
            assert P.ndim == 2 and P.shape[1] == k, (c['file'], P.shape)
        elif kind == 'bce':
            assert P.ndim == 1 and k == 2, c['file']
        else:
            assert P.shape == y.shape and P.shape[1] == k, c['file']
        mean, sk = reference(kind, inp, y, P)
        size = os.path.getsize(path)
        total += size
        assert size < 300_000, (c['file'], size)
        print(f'{c["file"]:36} {len(y):>5} {mean:>20.15g} {abs(sk - mean) / mean:>18.2g}')
        files.append({
            'file': c['file'],
            'written_by': c['written_by'],
            'why': c['why'],
            'ambiguous': c['ambiguous'],
            'flags': c['flags'],
            'expect': {'kind': kind, 'input': inp, 'count': int(len(y)), 'mean': mean, 'classNames': names,
                       'supports': supports(kind, y, k)},
        })
    assert total < 4_000_000, total
    manifest = {
        'generator': 'scripts/corpus/gen_corpus.py',
        'versions': {'sklearn': sklearn.__version__, 'pandas': pd.__version__, 'numpy': np.__version__,
                     'torch': torch.__version__},
        'files': files,
    }
    with open(os.path.join(OUT, 'manifest.json'), 'w', encoding='utf-8') as f:
        f.write(dump(manifest) + '\n')
    print(f'{len(files)} files, {total} bytes')


if __name__ == '__main__':
    main()
