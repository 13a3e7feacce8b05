#!/usr/bin/python3
"""Binary prediction files written by the real writers, with independent reference losses (issue 13:
reading NumPy .npy/.npz, safetensors, Parquet, Feather and Arrow files).

Run with the Debian system Python (python3-sklearn, python3-torch, python3-pandas, python3-scipy),
which starts a second Python, the WRITER, that has the file-writing libraries:

    /usr/bin/python3 scripts/corpus/gen_binary.py
    WRITER_PYTHON=/path/to/python3 /usr/bin/python3 scripts/corpus/gen_binary.py   # another writer

The writer needs numpy 2, pandas, pyarrow and safetensors
(`python3 -m pip install numpy pandas pyarrow safetensors`). CI has no Python: the files are
committed in test/fixtures/binary/ with test/fixtures/binary/manifest.json.

Three stages, one file (both Pythons import it; each imports its own libraries in functions):
 1. models (system Python, scikit-learn): fits LogisticRegression on digits (three splits of 300
    test rows), iris (cross_val_predict, 150 rows), breast_cancer (300 test rows) and a one-vs-rest
    LogisticRegression on make_multilabel_classification (300 test rows, 5 labels), and hands the
    float64 outputs to stage 2 as .npy files in a temporary folder.
 2. write (the WRITER Python): casts each array to the dtype its case needs and writes it with the
    call named in the manifest's `written_by`: np.save / np.savez / np.savez_compressed,
    safetensors.numpy.save_file, DataFrame.to_parquet (pyarrow engine), pyarrow.feather.write_feather,
    pyarrow.ipc.new_file / new_stream, DataFrame.to_csv. It then re-reads every Parquet / Feather /
    Arrow file with pyarrow and every safetensors file with safetensors.numpy.load_file, and hands
    those readings (float64 / int64 / str) back in the temporary folder.
 3. reference (system Python, PyTorch float64): re-reads every file AS WRITTEN, never the arrays in
    memory: .npy / .npz with the system numpy's np.load (allow_pickle=False), .safetensors with a
    parser of its own (8-byte header length, JSON header, raw little-endian data; checked equal to
    the safetensors library's reading), .csv with the system pandas (float_precision='round_trip'),
    Parquet / Feather / Arrow as pyarrow read them in stage 2. The reference conventions are
    gen_corpus.py's (preset `classic`: probabilities clamped to [1e-15, 1 - 1e-15], rows NOT
    renormalised):
      ce from probs     F.nll_loss(torch.log(p.clamp(1e-15, 1 - 1e-15)), y)
      ce from logits    F.cross_entropy(z, y)
      bce from probs    F.binary_cross_entropy(p.clamp(1e-15, 1 - 1e-15), y)
      bce from logits   F.binary_cross_entropy_with_logits(z, y)
      multilabel        the same BCE, mean over all N x L elements
    each cross-checked against sklearn.metrics.log_loss(eps=1e-15) (on softmax / sigmoid of logits);
    the relative difference is printed. scikit-learn 1.2 renormalises rows after clipping, so where
    rows as written do not sum to 1 exactly (float32 probabilities) it differs slightly, by design.

Every run deletes everything in test/fixtures/binary/ except README.md and writes it anew. Seeded and
single-threaded: rerunning gives the same bytes given the same library versions (recorded in the
manifest under `versions`; `writer` wrote the files, `reference` computed the means). Python 3.11's
zipfile dates the members numpy's savez writes 1980-01-01, so .npz files are reproducible too.

Last run (versions as in the manifest): writer Python 3.11.7, numpy 2.4.6, pandas 3.0.6,
pyarrow 25.0.1, safetensors 0.8.0; reference Python 3.11.2, numpy 1.24.2, pandas 1.5.3,
torch 1.13.0a0, scikit-learn 1.2.1, scipy 1.10.1.

Manifest entries: `files` (relative to test/fixtures/binary; main file first, a pair is
[predictions, labels]), `written_by`, `why`, `expect` {kind ce|bce|multilabel, input probs|logits,
count, mean, classNames, supports (per true class; bce [negatives, positives]; multilabel positives
per label)} or {refused: true, message_contains}; `same_values_as` names the files that hold
bit-identical predictions and labels (their means must be bit-identical).
"""

import os

for _v in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_v] = '1'  # deterministic, and polite on a shared machine; before numpy is imported

import json
import platform
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'binary')
WRITER_PYTHON = os.environ.get('WRITER_PYTHON', '/root/.pyenv/shims/python3')
EPS = 1e-15
N = 300
DIGITS = [str(k) for k in range(10)]
IRIS = ['setosa', 'versicolor', 'virginica']
LABELS5 = [str(k) for k in range(5)]


# ----------------------------------------------------------------------------------------------
# Stage 1: models (system Python)
# ----------------------------------------------------------------------------------------------

def stage_models(tmp):
    import warnings
    from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_multilabel_classification
    from sklearn.decomposition import PCA
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict, train_test_split
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    warnings.filterwarnings('ignore', category=ConvergenceWarning)

    def save(name, a):
        np.save(os.path.join(tmp, name + '.npy'), np.ascontiguousarray(a))

    def logreg(C):
        return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=500))

    d = load_digits()
    # A: a moderately regularised model; B: a strongly regularised one (soft probabilities);
    # C: C=1 (confident: some true-class probabilities far below 1e-6).
    for tag, C, seed in (('A', 0.01, 1), ('B', 0.002, 2), ('C', 1.0, 3)):
        Xtr, Xte, ytr, yte = train_test_split(d.data, d.target, test_size=N, random_state=seed, stratify=d.target)
        clf = logreg(C).fit(Xtr, ytr)
        save(f'digits{tag}_logits', clf.decision_function(Xte))
        save(f'digits{tag}_probs', clf.predict_proba(Xte))
        save(f'digits{tag}_y', yte.astype(np.int64))
        if tag == 'C':
            save('digitsC_embeddings', PCA(n_components=16, random_state=0).fit(Xtr).transform(Xte))

    iris = load_iris()
    save('iris_probs', cross_val_predict(logreg(0.05), iris.data, iris.target, cv=5, method='predict_proba'))
    save('iris_y', iris.target.astype(np.int64))

    b = load_breast_cancer()
    Xtr, Xte, ytr, yte = train_test_split(b.data, b.target, test_size=N, random_state=4, stratify=b.target)
    clf = logreg(0.05).fit(Xtr, ytr)
    save('breast_probs', clf.predict_proba(Xte)[:, 1])
    save('breast_y', yte.astype(np.int64))

    X, Y = make_multilabel_classification(n_samples=800, n_features=20, n_classes=5, n_labels=2,
                                          random_state=5)
    Xtr, Xte, Ytr, Yte = train_test_split(X, Y, test_size=N, random_state=5)
    ovr = OneVsRestClassifier(logreg(0.1)).fit(Xtr, Ytr)
    save('multilabel_logits', ovr.decision_function(Xte))
    save('multilabel_Y', Yte.astype(np.int64))


# ----------------------------------------------------------------------------------------------
# The cases. `write(ctx)` runs in the writer Python; `read(ctx)` in the system Python returns
# (y, P) as read back from the files (ce: y class indices, P (N, K); bce: y 0/1, P (N,);
# multilabel: Y and P (N, L)).
# ----------------------------------------------------------------------------------------------

CASES = []


def case(id, files, written_by, why, kind=None, inp=None, class_names=None, refused=None, same_as=None):
    def deco(cls):
        CASES.append(dict(id=id, files=files, written_by=written_by, why=why, kind=kind, input=inp,
                          classNames=class_names, refused=refused, same_as=same_as,
                          write=cls.write, read=cls.read))
        return cls
    return deco


def O(rel):
    return os.path.join(OUT, rel)


class W:
    """What stage 2 works with: the stage-1 arrays (float64 / int64) and the writer libraries."""

    def __init__(self, tmp):
        self.tmp = tmp

    def a(self, name):
        return np.load(os.path.join(self.tmp, name + '.npy'))

    def reread(self, id, **arrays):
        np.savez(os.path.join(self.tmp, 'reread_' + id + '.npz'), **arrays)


class R:
    """What stage 3 works with: the files, and stage 2's pyarrow / safetensors readings."""

    def __init__(self, tmp):
        self.tmp = tmp

    def reread(self, id):
        with np.load(os.path.join(self.tmp, 'reread_' + id + '.npz')) as z:
            return {k: z[k] for k in z.files}


def f64(a):
    return np.asarray(a, dtype=np.float64)


def index_of(labels, names):
    m = {n: i for i, n in enumerate(names)}
    return np.array([m[str(v)] for v in labels], dtype=np.int64)


def read_safetensors(path):
    """safetensors by hand: u64 little-endian header size, JSON header, raw little-endian tensors."""
    dtypes = {'F64': '<f8', 'F32': '<f4', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4', 'I8': '<i1', 'U8': '<u1'}
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    meta = header.pop('__metadata__', None)
    out = {}
    for name, t in header.items():
        start, end = t['data_offsets']
        a = np.frombuffer(raw[8 + n + start:8 + n + end], dtype=dtypes[t['dtype']])
        out[name] = a.reshape(t['shape'])
    return out, meta


def arrow_reread(w, id, table, pred_cols=None, list_col=None, label_col='label'):
    """pyarrow's reading of a table: the predictions as float64 (N, K) and the labels."""
    import pyarrow.compute as pc
    if list_col is not None:
        col = table.column(list_col).combine_chunks()
        lengths = pc.list_value_length(col).to_numpy()
        assert (lengths == lengths[0]).all(), id
        P = pc.list_flatten(col).to_numpy().astype(np.float64).reshape(len(col), int(lengths[0]))
    else:
        P = np.column_stack([table.column(c).to_numpy().astype(np.float64) for c in pred_cols])
    lab = table.column(label_col)
    assert lab.null_count == 0, id
    y = np.array(lab.to_pylist())
    w.reread(id, P=P, y=y)


# 1-4. .npy pairs -------------------------------------------------------------------------------

@case('pair_digits', ['pair_digits/logits.npy', 'pair_digits/labels.npy'],
      "np.save('logits.npy', clf.decision_function(X_test).astype(np.float32)); np.save('labels.npy', y_test)",
      'the usual pair of .npy files side by side: float32 logits (N, 10), C order, and int64 labels',
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        os.makedirs(O('pair_digits'))
        np.save(O('pair_digits/logits.npy'), w.a('digitsA_logits').astype(np.float32))
        np.save(O('pair_digits/labels.npy'), w.a('digitsA_y').astype(np.int64))

    @staticmethod
    def read(r):
        z, y = np.load(O('pair_digits/logits.npy')), np.load(O('pair_digits/labels.npy'))
        assert z.dtype == np.float32 and z.flags.c_contiguous and y.dtype == np.int64
        return y, f64(z)


@case('pair_prefixed', ['pair_prefixed/val_probs.npy', 'pair_prefixed/val_labels.npy'],
      "np.save('val_probs.npy', np.asfortranarray(clf.predict_proba(X_val))); np.save('val_labels.npy', y_val.astype(np.int32))",
      "a pair with a split prefix (val_); float64 probabilities in Fortran order (header fortran_order: True, "
      "the data column by column); int32 labels",
      'ce', 'probs', DIGITS)
class _:
    @staticmethod
    def write(w):
        os.makedirs(O('pair_prefixed'))
        np.save(O('pair_prefixed/val_probs.npy'), np.asfortranarray(w.a('digitsB_probs')))
        np.save(O('pair_prefixed/val_labels.npy'), w.a('digitsB_y').astype(np.int32))

    @staticmethod
    def read(r):
        p, y = np.load(O('pair_prefixed/val_probs.npy')), np.load(O('pair_prefixed/val_labels.npy'))
        assert p.dtype == np.float64 and p.flags.f_contiguous and not p.flags.c_contiguous and y.dtype == np.int32
        return y.astype(np.int64), f64(p)


@case('pair_f16', ['pair_f16/logits.npy', 'pair_f16/labels.npy'],
      "np.save('logits.npy', clf.decision_function(X_test).astype(np.float16)); np.save('labels.npy', y_test)",
      'half-precision logits (<f2, as from a model run under autocast): the reference is on the float16 values',
      'ce', 'logits', DIGITS, same_as=['predictions_f16.safetensors'])
class _:
    @staticmethod
    def write(w):
        os.makedirs(O('pair_f16'))
        np.save(O('pair_f16/logits.npy'), w.a('digitsC_logits').astype(np.float16))
        np.save(O('pair_f16/labels.npy'), w.a('digitsC_y').astype(np.int64))

    @staticmethod
    def read(r):
        z, y = np.load(O('pair_f16/logits.npy')), np.load(O('pair_f16/labels.npy'))
        assert z.dtype == np.float16
        return y, f64(z)


@case('pair_bigendian', ['pair_bigendian/probs.npy', 'pair_bigendian/labels.npy'],
      "np.save('probs.npy', clf.predict_proba(X_test).astype('>f4')); np.save('labels.npy', y_test.astype('>i8'))",
      "big-endian float32 probabilities ('>f4') and int64 labels ('>i8'), as written on (or for) a big-endian "
      'machine; float32 rows sum to 1 only within ~1e-7',
      'ce', 'probs', DIGITS)
class _:
    @staticmethod
    def write(w):
        os.makedirs(O('pair_bigendian'))
        np.save(O('pair_bigendian/probs.npy'), w.a('digitsA_probs').astype('>f4'))
        np.save(O('pair_bigendian/labels.npy'), w.a('digitsA_y').astype('>i8'))

    @staticmethod
    def read(r):
        p, y = np.load(O('pair_bigendian/probs.npy')), np.load(O('pair_bigendian/labels.npy'))
        assert p.dtype.str == '>f4' and y.dtype.str == '>i8'
        return y.astype(np.int64), f64(p)


@case('pair_strings', ['pair_strings/probs.npy', 'pair_strings/labels.npy'],
      "np.save('probs.npy', cross_val_predict(clf, X, y, method='predict_proba')); np.save('labels.npy', iris.target_names[y])",
      "labels are class names, a NumPy unicode array ('<U10', UTF-32); the probability columns follow "
      "sklearn's sorted classes_ (setosa, versicolor, virginica), the order of the names sorted",
      'ce', 'probs', IRIS)
class _:
    @staticmethod
    def write(w):
        os.makedirs(O('pair_strings'))
        np.save(O('pair_strings/probs.npy'), w.a('iris_probs'))
        np.save(O('pair_strings/labels.npy'), np.array(IRIS)[w.a('iris_y')])

    @staticmethod
    def read(r):
        p, y = np.load(O('pair_strings/probs.npy')), np.load(O('pair_strings/labels.npy'))
        assert y.dtype.str == '<U10', y.dtype
        return index_of(y, IRIS), f64(p)


# 5. An object array: refused --------------------------------------------------------------------

@case('object_rows', ['object_rows.npy'],
      "np.save('object_rows.npy', np.array([{'label': int(t), 'logits': z.tolist()} for t, z in zip(y_test, logits)], "
      'dtype=object), allow_pickle=True)',
      'an object array (dicts, pickled): reading it would run pickle, so it must be refused, not read',
      refused={'refused': True, 'message_contains': 'pickle'})
class _:
    @staticmethod
    def write(w):
        z, y = w.a('digitsA_logits')[:100], w.a('digitsA_y')[:100]
        rows = np.array([{'label': int(t), 'logits': r.tolist()} for t, r in zip(y, z)], dtype=object)
        np.save(O('object_rows.npy'), rows, allow_pickle=True)

    @staticmethod
    def read(r):
        try:
            np.load(O('object_rows.npy'))
        except ValueError as e:
            assert 'pickle' in str(e), e  # numpy refuses too: "Object arrays cannot be loaded when allow_pickle=False"
            return None
        raise AssertionError('object_rows.npy loaded without allow_pickle')


# 6-9. .npz -------------------------------------------------------------------------------------

@case('hf_predictions', ['hf_predictions.npz'],
      "out = trainer.predict(test_ds); np.savez('hf_predictions.npz', predictions=out.predictions, label_ids=out.label_ids)",
      "Hugging Face Trainer.predict's field names (predictions = float32 logits, label_ids = int64); "
      'zip members stored (no compression); numpy forces zip64, so each LOCAL header gives both sizes as '
      '0xFFFFFFFF with the real ones in a zip64 extra field (the central directory has them plainly)',
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        np.savez(O('hf_predictions.npz'), predictions=w.a('digitsB_logits').astype(np.float32),
                 label_ids=w.a('digitsB_y').astype(np.int64))

    @staticmethod
    def read(r):
        with np.load(O('hf_predictions.npz')) as z:
            assert z['predictions'].dtype == np.float32
            return z['label_ids'], f64(z['predictions'])


@case('preds_compressed', ['preds_compressed.npz'],
      "np.savez_compressed('preds_compressed.npz', logits=logits.astype(np.float32), labels=y_test, ids=np.arange(N), "
      'embeddings=PCA(16).fit(X_train).transform(X_test).astype(np.float32))',
      'deflated members; besides logits and labels an `ids` column (0..N-1, whole numbers like labels) and an '
      '`embeddings` (N, 16) float32 array that must not be taken as the predictions',
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        np.savez_compressed(O('preds_compressed.npz'), logits=w.a('digitsC_logits').astype(np.float32),
                            labels=w.a('digitsC_y').astype(np.int64), ids=np.arange(N),
                            embeddings=w.a('digitsC_embeddings').astype(np.float32))

    @staticmethod
    def read(r):
        with np.load(O('preds_compressed.npz')) as z:
            assert z['ids'].dtype == np.int64 and z['embeddings'].shape == (N, 16)
            return z['labels'], f64(z['logits'])


@case('binary_probs', ['binary_probs.npz'],
      "np.savez('binary_probs.npz', y_true=y_test, y_prob=clf.predict_proba(X_test)[:, 1])",
      'binary: y_prob of shape (N,), float64, P(class 1); labels 0/1 int64',
      'bce', 'probs', ['0', '1'], same_as=['binary_probs_col.npz'])
class _:
    @staticmethod
    def write(w):
        np.savez(O('binary_probs.npz'), y_true=w.a('breast_y').astype(np.int64), y_prob=w.a('breast_probs'))

    @staticmethod
    def read(r):
        with np.load(O('binary_probs.npz')) as z:
            assert z['y_prob'].shape == (N,)
            return z['y_true'], f64(z['y_prob'])


@case('binary_probs_col', ['binary_probs_col.npz'],
      "np.savez('binary_probs_col.npz', y_true=y_test, y_prob=clf.predict_proba(X_test)[:, 1:])",
      'binary with y_prob of shape (N, 1) (a Keras sigmoid output keeps its last axis): one column, not one class '
      'of a categorical; P(class 1)',
      'bce', 'probs', ['0', '1'], same_as=['binary_probs.npz'])
class _:
    @staticmethod
    def write(w):
        np.savez(O('binary_probs_col.npz'), y_true=w.a('breast_y').astype(np.int64),
                 y_prob=w.a('breast_probs').reshape(-1, 1))

    @staticmethod
    def read(r):
        with np.load(O('binary_probs_col.npz')) as z:
            assert z['y_prob'].shape == (N, 1)
            return z['y_true'], f64(z['y_prob'][:, 0])


@case('multilabel', ['multilabel.npz'],
      "np.savez('multilabel.npz', labels=Y_test.astype(np.int8), logits=ovr.decision_function(X_test).astype(np.float32))",
      'multi-label: an (N, 5) multi-hot int8 target matrix beside (N, 5) float32 logits (one sigmoid per label); '
      'rows with no label and with several',
      'multilabel', 'logits', LABELS5)
class _:
    @staticmethod
    def write(w):
        np.savez(O('multilabel.npz'), labels=w.a('multilabel_Y').astype(np.int8),
                 logits=w.a('multilabel_logits').astype(np.float32))

    @staticmethod
    def read(r):
        with np.load(O('multilabel.npz')) as z:
            assert z['labels'].dtype == np.int8
            return f64(z['labels']), f64(z['logits'])


# 10. safetensors -------------------------------------------------------------------------------

def _st_read(r, id, file, dtype):
    t, meta = read_safetensors(O(file))
    lib = r.reread(id)
    assert t['logits'].dtype == dtype and t['labels'].dtype == np.int64
    assert np.array_equal(t['logits'], lib['logits']) and np.array_equal(t['labels'], lib['labels']), id
    return t['labels'], f64(t['logits']), meta


def _st_write(w, id, file, logits, labels, **kw):
    from safetensors.numpy import load_file, save_file
    save_file({'logits': logits, 'labels': labels}, O(file), **kw)
    w.reread(id, **load_file(O(file)))


@case('safetensors_f32', ['predictions.safetensors'],
      "safetensors.numpy.save_file({'logits': logits.astype(np.float32), 'labels': y_test}, 'predictions.safetensors')",
      'safetensors: a JSON header (dtype F32 / I64, shape, data_offsets) then raw little-endian tensors',
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        _st_write(w, 'safetensors_f32', 'predictions.safetensors', w.a('digitsA_logits').astype(np.float32),
                  w.a('digitsA_y').astype(np.int64))

    @staticmethod
    def read(r):
        y, P, meta = _st_read(r, 'safetensors_f32', 'predictions.safetensors', np.float32)
        assert meta is None
        return y, P


@case('safetensors_f16', ['predictions_f16.safetensors'],
      "safetensors.numpy.save_file({'logits': logits.astype(np.float16), 'labels': y_test}, 'predictions_f16.safetensors')",
      'safetensors with F16 logits (half precision); the same values as pair_f16/',
      'ce', 'logits', DIGITS, same_as=['pair_f16/logits.npy'])
class _:
    @staticmethod
    def write(w):
        _st_write(w, 'safetensors_f16', 'predictions_f16.safetensors', w.a('digitsC_logits').astype(np.float16),
                  w.a('digitsC_y').astype(np.int64))

    @staticmethod
    def read(r):
        y, P, meta = _st_read(r, 'safetensors_f16', 'predictions_f16.safetensors', np.float16)
        return y, P


@case('safetensors_metadata', ['predictions_metadata.safetensors'],
      "safetensors.numpy.save_file({'logits': logits.astype(np.float32), 'labels': y_test}, "
      "'predictions_metadata.safetensors', metadata={'epoch': '3'})  # one key: safetensors orders several at random",
      'safetensors with a __metadata__ entry (string to string) in its header, which is no tensor',
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        _st_write(w, 'safetensors_metadata', 'predictions_metadata.safetensors',
                  w.a('digitsB_logits').astype(np.float32), w.a('digitsB_y').astype(np.int64),
                  metadata={'epoch': '3'})

    @staticmethod
    def read(r):
        y, P, meta = _st_read(r, 'safetensors_metadata', 'predictions_metadata.safetensors', np.float32)
        assert meta == {'epoch': '3'}, meta
        return y, P


# 11. Parquet (pandas, pyarrow engine) ----------------------------------------------------------

P_COLS = [f'p_{k}' for k in range(10)]
SAME_A = ['probs_snappy.parquet', 'probs_zstd_rowgroups.parquet', 'probs_lz4.feather', 'probs_zstd.feather',
          'probs_uncompressed.feather', 'same_as_parquet.csv']


def _others(name):
    return [f for f in SAME_A if f != name]


def _digits_a_frame(w):
    import pandas as pd
    df = pd.DataFrame(w.a('digitsA_probs'), columns=P_COLS)
    df['label'] = w.a('digitsA_y').astype(np.int64)
    return df


def _reread_same_a(r, id):
    d = r.reread(id)
    return d['y'].astype(np.int64), d['P']


def _parquet(id, file, written_by, why, **pq_kw):
    @case(id, [file], written_by, why, 'ce', 'probs', DIGITS, same_as=_others(file))
    class _:
        @staticmethod
        def write(w):
            import pyarrow.parquet as pq
            _digits_a_frame(w).to_parquet(O(file), index=False, **pq_kw)
            arrow_reread(w, id, pq.read_table(O(file)), P_COLS)

        @staticmethod
        def read(r):
            return _reread_same_a(r, id)


_parquet('parquet_snappy', 'probs_snappy.parquet',
         "pd.DataFrame(clf.predict_proba(X_test), columns=[f'p_{k}' for k in range(10)]).assign(label=y_test)"
         ".to_parquet('probs_snappy.parquet', index=False)  # engine pyarrow, compression snappy (the default)",
         'Parquet, one float64 column per class p_0..p_9 and an int64 label, snappy; one row group; every column '
         'OPTIONAL (nullable, definition level 1) without nulls, the doubles too dictionary-encoded (a dictionary '
         'page, RLE_DICTIONARY data pages)',
         compression='snappy')
_parquet('parquet_zstd_rowgroups', 'probs_zstd_rowgroups.parquet',
         "df.to_parquet('probs_zstd_rowgroups.parquet', index=False, compression='zstd', row_group_size=100)",
         'the same data as probs_snappy.parquet, zstd, in three row groups of 100 rows',
         compression='zstd', row_group_size=100)


@case('parquet_hf_logits', ['hf_logits_gzip.parquet'],
      "pd.DataFrame({'logits': list(logits.astype(np.float32)), 'label': y_test}).to_parquet('hf_logits_gzip.parquet', "
      "index=False, compression='gzip')",
      'Hugging Face datasets style: one list<float> column of float32 logits per row (a nested, repeated column) '
      'and an int64 label; gzip',
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        import pandas as pd
        import pyarrow.parquet as pq
        df = pd.DataFrame({'logits': list(w.a('digitsC_logits').astype(np.float32)),
                           'label': w.a('digitsC_y').astype(np.int64)})
        df.to_parquet(O('hf_logits_gzip.parquet'), index=False, compression='gzip')
        t = pq.read_table(O('hf_logits_gzip.parquet'))
        assert str(t.schema.field('logits').type) == 'list<element: float>', t.schema
        arrow_reread(w, 'parquet_hf_logits', t, list_col='logits')

    @staticmethod
    def read(r):
        d = r.reread('parquet_hf_logits')
        return d['y'].astype(np.int64), d['P']


@case('parquet_dictionary', ['iris_dictionary.parquet'],
      "df = pd.DataFrame(proba, columns=iris.target_names); df['species'] = pd.Categorical(iris.target_names[y]); "
      "df.to_parquet('iris_dictionary.parquet', index=False)",
      'string labels from a pandas Categorical: an Arrow dictionary column (int8 indices into the names), '
      'dictionary-encoded Parquet pages; probability columns named by the classes',
      'ce', 'probs', IRIS)
class _:
    @staticmethod
    def write(w):
        import pandas as pd
        import pyarrow.parquet as pq
        df = pd.DataFrame(w.a('iris_probs'), columns=IRIS)
        df['species'] = pd.Categorical(np.array(IRIS)[w.a('iris_y')])
        df.to_parquet(O('iris_dictionary.parquet'), index=False)
        arrow_reread(w, 'parquet_dictionary', pq.read_table(O('iris_dictionary.parquet')), IRIS, label_col='species')

    @staticmethod
    def read(r):
        d = r.reread('parquet_dictionary')
        return index_of(d['y'], IRIS), d['P']


@case('parquet_nullable', ['nullable_label.parquet'],
      "pd.DataFrame({'label': pd.array(y_test, dtype='Int64'), 'proba_1': clf.predict_proba(X_test)[:, 1]})"
      ".to_parquet('nullable_label.parquet', index=False)",
      "binary; the label is pandas' nullable Int64 with no missing value: the column is OPTIONAL with "
      'definition levels but no nulls; proba_1 = P(class 1)',
      'bce', 'probs', ['0', '1'])
class _:
    @staticmethod
    def write(w):
        import pandas as pd
        import pyarrow.parquet as pq
        df = pd.DataFrame({'label': pd.array(w.a('breast_y'), dtype='Int64'), 'proba_1': w.a('breast_probs')})
        df.to_parquet(O('nullable_label.parquet'), index=False)
        arrow_reread(w, 'parquet_nullable', pq.read_table(O('nullable_label.parquet')), ['proba_1'])

    @staticmethod
    def read(r):
        d = r.reread('parquet_nullable')
        return d['y'].astype(np.int64), d['P'][:, 0]


# 12. Feather / Arrow IPC -----------------------------------------------------------------------

def _feather(id, file, written_by, why, **kw):
    @case(id, [file], written_by, why, 'ce', 'probs', DIGITS, same_as=_others(file))
    class _:
        @staticmethod
        def write(w):
            import pyarrow.feather as feather
            feather.write_feather(_digits_a_frame(w), O(file), **kw)
            arrow_reread(w, id, feather.read_table(O(file)), P_COLS)

        @staticmethod
        def read(r):
            return _reread_same_a(r, id)


_feather('feather_lz4', 'probs_lz4.feather',
         "pyarrow.feather.write_feather(df, 'probs_lz4.feather')  # df as written to probs_snappy.parquet",
         'Feather v2 (Arrow IPC file) with its default LZ4-frame compressed buffers; the same data as probs_snappy.parquet')
_feather('feather_zstd', 'probs_zstd.feather',
         "pyarrow.feather.write_feather(df, 'probs_zstd.feather', compression='zstd')",
         'Feather v2 with zstd-compressed buffers', compression='zstd')
_feather('feather_uncompressed', 'probs_uncompressed.feather',
         "pyarrow.feather.write_feather(df, 'probs_uncompressed.feather', compression='uncompressed')",
         'Feather v2 with plain buffers', compression='uncompressed')


def _logits_table(w, tag):
    import pyarrow as pa
    z = w.a(f'digits{tag}_logits').astype(np.float32)
    logits = pa.ListArray.from_arrays(pa.array(np.arange(0, z.size + 1, z.shape[1], dtype=np.int32)),
                                      pa.array(z.ravel()))
    return pa.table({'logits': logits, 'label': pa.array(w.a(f'digits{tag}_y').astype(np.int64))})


@case('arrow_file', ['hf_logits.arrow'],
      "with pa.ipc.new_file('hf_logits.arrow', table.schema) as f: f.write_table(table, max_chunksize=100)  "
      "# table: logits list<float>, label int64",
      "an Arrow IPC file (magic ARROW1 at both ends), uncompressed, three record batches of 100 rows; logits as "
      'list<float>',
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        import pyarrow as pa
        t = _logits_table(w, 'B')
        with pa.ipc.new_file(O('hf_logits.arrow'), t.schema) as f:
            f.write_table(t, max_chunksize=100)
        arrow_reread(w, 'arrow_file', pa.ipc.open_file(O('hf_logits.arrow')).read_all(), list_col='logits')

    @staticmethod
    def read(r):
        d = r.reread('arrow_file')
        return d['y'].astype(np.int64), d['P']


@case('arrow_stream', ['hf_dataset_stream.arrow'],
      "with pa.ipc.new_stream('hf_dataset_stream.arrow', table.schema) as s: s.write_table(table, max_chunksize=100)  "
      "# as the datasets library writes its .arrow cache files",
      'an Arrow IPC STREAM under the .arrow name (no ARROW1 magic, no footer: the format of Hugging Face '
      "datasets' cache files); three record batches; logits as list<float>",
      'ce', 'logits', DIGITS)
class _:
    @staticmethod
    def write(w):
        import pyarrow as pa
        t = _logits_table(w, 'A')
        with pa.ipc.new_stream(O('hf_dataset_stream.arrow'), t.schema) as s:
            s.write_table(t, max_chunksize=100)
        arrow_reread(w, 'arrow_stream', pa.ipc.open_stream(O('hf_dataset_stream.arrow')).read_all(), list_col='logits')

    @staticmethod
    def read(r):
        d = r.reread('arrow_stream')
        return d['y'].astype(np.int64), d['P']


# 13. The Parquet data as CSV -------------------------------------------------------------------

@case('same_as_parquet_csv', ['same_as_parquet.csv'],
      "df.to_csv('same_as_parquet.csv', index=False)  # df as written to probs_snappy.parquet",
      "pandas' default float formatting (shortest repr, round-trips float64): read right, its mean is "
      'bit-identical to the Parquet and Feather files of the same data',
      'ce', 'probs', DIGITS, same_as=_others('same_as_parquet.csv'))
class _:
    @staticmethod
    def write(w):
        _digits_a_frame(w).to_csv(O('same_as_parquet.csv'), index=False)

    @staticmethod
    def read(r):
        import pandas as pd
        d = pd.read_csv(O('same_as_parquet.csv'), float_precision='round_trip')
        y, P = d['label'].to_numpy(dtype=np.int64), d[P_COLS].to_numpy(dtype=np.float64)
        yp, Pp = _reread_same_a(r, 'parquet_snappy')
        assert np.array_equal(y, yp) and np.array_equal(P, Pp), 'CSV and Parquet values differ'
        return y, P


# ----------------------------------------------------------------------------------------------
# Stage 2: write (the writer Python)
# ----------------------------------------------------------------------------------------------

def stage_write(tmp):
    import pandas as pd
    import pyarrow as pa
    import safetensors
    w = W(tmp)
    for c in CASES:
        c['write'](w)
    with open(os.path.join(tmp, 'writer_versions.json'), 'w') as f:
        json.dump({'python': platform.python_version(), 'numpy': np.__version__, 'pandas': pd.__version__,
                   'pyarrow': pa.__version__, 'safetensors': safetensors.__version__}, f)


# ----------------------------------------------------------------------------------------------
# Stage 3: references (system Python)
# ----------------------------------------------------------------------------------------------

def reference(kind, inp, y, P):
    """Mean loss under the classic preset, PyTorch float64; sklearn log_loss beside it."""
    import scipy.special
    import sklearn.metrics
    import torch
    import torch.nn.functional as F
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


def supports(kind, y, k):
    if kind == 'ce':
        return [int(c) for c in np.bincount(y, minlength=k)]
    if kind == 'bce':
        return [int(np.sum(y < 0.5)), int(np.sum(y >= 0.5))]
    return [int(c) for c in np.sum(y >= 0.5, axis=0)]


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
    import pandas as pd
    import scipy
    import sklearn
    import torch
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name != 'README.md':
            p = os.path.join(OUT, name)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    with tempfile.TemporaryDirectory() as tmp:
        stage_models(tmp)
        subprocess.run([WRITER_PYTHON, os.path.abspath(__file__), '--write', tmp], check=True)
        with open(os.path.join(tmp, 'writer_versions.json')) as f:
            writer = json.load(f)
        r = R(tmp)
        entries = []
        means = {}
        print(f'{"files[0]":34} {"N":>4} {"mean":>20} {"sklearn rel. diff":>18}')
        for c in CASES:
            got = c['read'](r)
            e = {'files': c['files'], 'written_by': c['written_by'], 'why': c['why']}
            if c['refused']:
                assert got is None
                e['expect'] = dict(c['refused'])
                print(f'{c["files"][0]:34} {"":>4} {"refused":>20}')
                entries.append(e)
                continue
            y, P = got
            kind, inp, names = c['kind'], c['input'], c['classNames']
            k = len(names)
            if kind == 'ce':
                assert P.ndim == 2 and P.shape[1] == k and y.shape == (P.shape[0],), (c['id'], P.shape)
            elif kind == 'bce':
                assert P.ndim == 1 and k == 2 and y.shape == P.shape, c['id']
            else:
                assert P.shape == y.shape and P.shape[1] == k, c['id']
            mean, sk = reference(kind, inp, y, P)
            means[c['files'][0]] = (mean, y, P)
            print(f'{c["files"][0]:34} {len(y):>4} {mean:>20.15g} {abs(sk - mean) / mean:>18.2g}')
            e['expect'] = {'kind': kind, 'input': inp, 'count': int(len(y)), 'mean': mean, 'classNames': names,
                           'supports': supports(kind, y, k)}
            entries.append(e)
    for c, e in zip(CASES, entries):  # same_values_as: the other files holding bit-identical labels and values
        if c['refused']:
            continue
        m0, y0, P0 = means[c['files'][0]]
        same = [f for f, (m1, y1, P1) in means.items() if f != c['files'][0] and
                y1.shape == y0.shape and P1.shape == P0.shape and np.array_equal(y0, y1) and np.array_equal(P0, P1)]
        assert all(means[f][0] == m0 for f in same), c['id']
        assert set(c['same_as'] or []) <= set(same), (c['id'], same)
        if same:
            e['same_values_as'] = same
    total = 0
    for dirpath, _, names in os.walk(OUT):
        total += sum(os.path.getsize(os.path.join(dirpath, n)) for n in names if n != 'README.md')
    manifest = {
        'generator': 'scripts/corpus/gen_binary.py',
        'versions': {
            'writer': writer,
            'reference': {'python': platform.python_version(), 'numpy': np.__version__, 'pandas': pd.__version__,
                          'torch': torch.__version__, 'sklearn': sklearn.__version__, 'scipy': scipy.__version__},
        },
        'files': entries,
    }
    with open(os.path.join(OUT, 'manifest.json'), 'w', encoding='utf-8') as f:
        f.write(dump(manifest) + '\n')
    assert total < 1_500_000, total
    print(f'{len(entries)} entries, {total} bytes of data files')


if __name__ == '__main__':
    if sys.argv[1:2] == ['--write']:
        stage_write(sys.argv[2])
    else:
        main()
