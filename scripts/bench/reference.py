"""The baseline Loss Lens is measured against: pandas.read_csv, then scikit-learn's log_loss
(PyTorch's cross_entropy for logits). Prints one JSON line: the loss, seconds, peak RSS.
Run with Debian's python3 (python3-pandas, python3-sklearn, python3-torch)."""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
frame = pd.read_csv(path)
labels = frame.iloc[:, 0].to_numpy()
values = frame.iloc[:, 1:].to_numpy(dtype=np.float64)
if kind == "logits":
    import torch
    import torch.nn.functional as F
    loss = F.cross_entropy(torch.from_numpy(values), torch.from_numpy(labels).long()).item()
else:
    from sklearn.metrics import log_loss
    pred = values[:, 0] if kind == "binary" else values
    loss = log_loss(labels, pred, eps=1e-15, labels=np.arange(max(2, values.shape[1])))
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"loss": float(loss), "seconds": seconds, "peakMB": peak_mb}))
