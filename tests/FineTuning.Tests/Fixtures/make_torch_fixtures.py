#!/usr/bin/python3
"""Writes the PyTorch fixtures of tests/FineTuning.Tests/Transfer/TorchImportTests.cs (a few KB, committed).

Needs Debian's python3-torch and python3-numpy (apt-get install -y python3-torch); run with /usr/bin/python3:
    /usr/bin/python3 tests/FineTuning.Tests/Fixtures/make_torch_fixtures.py
Every file is a pure function of the seeds below, so rerunning it rewrites the same weights and outputs.
"""
import json
import os
import struct

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def write_safetensors(file, tensors):
    """The safetensors layout (8-byte little-endian header length, JSON header, raw data), written by hand so the
    script needs no package beyond torch and numpy."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(file, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


# 1. An nn.Sequential ReLU MLP 6-8-5-3, saved as PyTorch saves it: names 0.weight, 2.weight, 4.weight ([out, in]).
torch.manual_seed(0)
relu = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 3)).eval()
x = torch.randn(12, 6) * 2
with torch.no_grad():
    write_safetensors(path("torch_relu_mlp.safetensors"), relu.state_dict())
    np.savez(path("torch_relu_mlp_io.npz"), x=x.numpy(), logits=relu(x).numpy())


# 2. A module with named layers, batch normalization and ELU(alpha=0.5), 7-6-4-3, its dense weights stored [in, out]
#    as NumPy code (x @ W) and Keras do, plus a tensor no mapping should take.
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.bn1 = nn.Linear(7, 6), nn.BatchNorm1d(6)
        self.fc2, self.bn2 = nn.Linear(6, 4), nn.BatchNorm1d(4)
        self.out = nn.Linear(4, 3)
        self.act = nn.ELU(alpha=0.5)

    def forward(self, x):
        x = self.act(self.bn1(self.fc1(x)))
        x = self.act(self.bn2(self.fc2(x)))
        return self.out(x)


torch.manual_seed(1)
net = Net().train()
with torch.no_grad():
    for _ in range(5):  # training-mode passes give the batch norms running statistics far from 0 and 1
        net(torch.randn(32, 7) * 3 + 1)
net.eval()
arrays = {}
for name, value in net.state_dict().items():
    layer, kind = name.split(".")
    value = value.detach()
    if kind == "weight" and value.dim() == 2:
        arrays[f"layers/{layer}/kernel"] = value.t().contiguous().numpy()
    else:
        arrays[f"layers/{layer}/{kind}"] = value.numpy()
arrays["optimizer/step"] = np.array(100, dtype=np.int64)
np.savez(path("torch_bn_elu.npz"), **arrays)
x2 = torch.randn(12, 7) * 3 + 1
with torch.no_grad():
    np.savez(path("torch_bn_elu_io.npz"), x=x2.numpy(), logits=net(x2).numpy())


# 3. A CNN on 2x8x8 images with PyTorch's own conv and batch-norm layers: conv 3x3 padding 1 -> batch norm -> ReLU ->
#    max-pool 2, conv 3x3 stride 2 padding 1 -> batch norm -> ReLU, flatten, linear 12-6 -> batch norm -> ReLU,
#    linear 6-3. Kernels [out, in, k, k] as nn.Conv2d keeps them, saved as safetensors; inputs are flat rows [N, 128].
class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4)
        self.conv2, self.bn2 = nn.Conv2d(4, 3, 3, stride=2, padding=1), nn.BatchNorm2d(3)
        self.fc, self.bn3 = nn.Linear(12, 6), nn.BatchNorm1d(6)
        self.out = nn.Linear(6, 3)

    def forward(self, x):
        x = x.view(-1, 2, 8, 8)
        x = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.relu(self.bn2(self.conv2(x))).flatten(1)
        return self.out(torch.relu(self.bn3(self.fc(x))))


torch.manual_seed(2)
cnn = Cnn().train()
with torch.no_grad():
    for _ in range(5):
        cnn(torch.randn(32, 128) * 2 + 0.5)
cnn.eval()
x3 = torch.randn(10, 128) * 2 + 0.5
with torch.no_grad():
    write_safetensors(path("torch_cnn.safetensors"), cnn.state_dict())
    np.savez(path("torch_cnn_io.npz"), x=x3.numpy(), logits=cnn(x3).numpy())
print("wrote", ", ".join(sorted(f for f in os.listdir(HERE) if f.startswith("torch_"))))
