"""Plain-PyTorch versions of the loops Pretrain's benchmark times that the baseline's throughput_torch.py lacks:
b_rbm_cd5_784_500 (CD-5), b_rbm_pcd1_784_500 (persistent CD-1) and g_aux_ranking_text (Collobert and Weston's
ranking task on 5-word windows). Written for this repository, in the style of a PyTorch user who writes the loop by
hand, so that every loop of `benchmarks/compare.sh` has a PyTorch figure beside it. Each loop does the work of
Pretrain's loop of the same name (benchmarks/Pretrain.Benchmarks/DenseLoops.cs and RankingLoop.cs):

  RBM: 784->500 Bernoulli RBM on the 60,000 Fashion-MNIST training images, batch 128, lr 0.05, momentum 0.5 (the
  first epoch's), weight decay 2e-4 on W. CD-k: sampled hidden states drive every Gibbs step, visible units are sampled
  between steps and their mean is used at the last one. PCD-1: one chain per batch row, started at the first batch,
  advanced one Gibbs step per update with sampled visible units. Reconstruction error summed on the device, read once.
  Ranking: 100,000 windows of 5 word ids (2,000 synthetic documents of 50 Zipf-distributed words, padded at the
  edges), 10,000-word vocabulary, 50-wide embeddings, 250->100 tanh layer and one scoring unit; the centre word of
  each window replaced by a unigram draw different from it; hinge loss with margin 1, Adam 1e-3, batch 256; 5% held
  out and scored after the epoch.

Timed like throughput_torch.py: one warm-up, then the median of 3 epochs (--quick: 1). Samples/s count every row the
Pretrain loop counts (all 60,000 images; all 100,000 windows, held-out ones included).

Usage, from the baseline's folder (it reads the images with the baseline's data.py):
  cd ../shared/baselines/pytorch && python3 /path/to/benchmarks/extra_loops_torch.py OUT.json [--quick]
compare.sh runs it after throughput_torch.py in every alternation and merges its rows into the baseline's."""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH_RBM, BATCH_RANKING = 128, 256
MM = 2 * 784 * 500
# Matrix-product FLOPs per sample, counted as in throughput_torch.py and Pretrain's LoopFlops.
FLOPS = {
    "b_rbm_cd5_784_500": (3 + 2 * 5) * MM,
    "b_rbm_pcd1_784_500": (3 + 2 * 1) * MM,
    "g_aux_ranking_text": 2 * 3 * (2 * 5 * 50 * 100 + 2 * 100),
}


def timed(fn, reps):
    fn()  # warm-up
    seconds = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), seconds


def rbm_epoch(x, steps, persistent, gen, lr=0.05, momentum=0.5, weight_decay=2e-4):
    n, n_in = x.shape
    W = torch.randn(n_in, 500, generator=gen) * 0.01
    bh = torch.zeros(500)
    p = x.mean(0).clamp(1e-3, 1 - 1e-3)
    bv = torch.log(p / (1 - p))
    vW, vbh, vbv = torch.zeros_like(W), torch.zeros_like(bh), torch.zeros_like(bv)
    chains = None
    error = torch.zeros(())
    for idx in torch.randperm(n, generator=gen).split(BATCH_RBM):
        v0 = x[idx]
        B = v0.shape[0]
        ph0 = torch.sigmoid(v0 @ W + bh)
        if persistent:
            if chains is None:
                chains = v0.clone()
            start = torch.sigmoid(chains[:B] @ W + bh)
        else:
            start = ph0
        h = torch.bernoulli(start, generator=gen)
        for step in range(1, steps + 1):
            mean = torch.sigmoid(h @ W.t() + bv)
            vk = torch.bernoulli(mean, generator=gen) if step < steps or persistent else mean
            phk = torch.sigmoid(vk @ W + bh)
            if step < steps:
                h = torch.bernoulli(phk, generator=gen)
        if persistent:
            chains[:B] = vk
        dW = (v0.t() @ ph0 - vk.t() @ phk) / B - weight_decay * W
        vW.mul_(momentum).add_(dW, alpha=lr)
        vbh.mul_(momentum).add_((ph0 - phk).mean(0), alpha=lr)
        vbv.mul_(momentum).add_((v0 - vk).mean(0), alpha=lr)
        W += vW
        bh += vbh
        bv += vbv
        error += ((v0 - mean) ** 2).sum()
    return error.item() / n


def synthetic_windows(gen, vocabulary=10000, documents=2000, words=50, window=5):
    """Zipf-distributed word ids (ids 0 and 1 are padding and unknown, never drawn), centred windows padded with 0."""
    weights = torch.zeros(vocabulary, dtype=torch.float64)
    weights[2:] = 1.0 / torch.arange(1, vocabulary - 1, dtype=torch.float64)
    docs = torch.multinomial(weights, documents * words, replacement=True, generator=gen).view(documents, words)
    half = window // 2
    padded = F.pad(docs, (half, half), value=0)
    return padded.unfold(1, window, 1).reshape(-1, window).contiguous(), weights


def corrupt_centre(batch, weights, gen):
    """The centre word of every window replaced by a unigram draw that differs from it."""
    centre = batch.shape[1] // 2
    original = batch[:, centre]
    drawn = torch.multinomial(weights, len(batch), replacement=True, generator=gen)
    for _ in range(64):
        same = drawn == original
        if not same.any():
            break
        drawn = torch.where(same, torch.multinomial(weights, len(batch), replacement=True, generator=gen), drawn)
    bad = batch.clone()
    bad[:, centre] = drawn
    return bad


def ranking_epoch(windows, weights, gen, vocabulary=10000, margin=1.0, held_out_fraction=0.05):
    model = nn.Sequential(nn.Embedding(vocabulary, 50), nn.Flatten(), nn.Linear(5 * 50, 100), nn.Tanh(), nn.Linear(100, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.randperm(len(windows), generator=gen)
    held = round(len(windows) * held_out_fraction)
    train, held_out = order[held:], order[:held]
    for idx in train[torch.randperm(len(train), generator=gen)].split(BATCH_RANKING):
        good = windows[idx]
        scores = model(torch.cat([good, corrupt_centre(good, weights, gen)])).squeeze(1)
        loss = (margin - scores[:len(good)] + scores[len(good):]).clamp_min(0).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    correct = 0
    with torch.no_grad():
        for idx in held_out.split(512):
            good = windows[idx]
            scores = model(torch.cat([good, corrupt_centre(good, weights, gen)])).squeeze(1)
            correct += int((scores[:len(good)] > scores[len(good):]).sum())
    return correct / len(held_out)


def main(out, quick):
    from data import load_fashion_mnist  # the baseline's loader; run from its folder

    reps = 1 if quick else 3
    gen = torch.Generator().manual_seed(0)
    x = torch.from_numpy(load_fashion_mnist()[0])
    windows, weights = synthetic_windows(gen)
    rows = {}

    def row(name, samples, fn):
        t, raw = timed(fn, reps)
        rows[name] = dict(seconds_per_epoch=t, samples_per_s=samples / t, raw_seconds=raw, gflops=FLOPS[name] * samples / t / 1e9)
        print(name, {k: round(v, 3) if isinstance(v, float) else v for k, v in rows[name].items()}, flush=True)

    row("b_rbm_cd5_784_500", len(x), lambda: rbm_epoch(x, 5, False, gen))
    row("b_rbm_pcd1_784_500", len(x), lambda: rbm_epoch(x, 1, True, gen))
    row("g_aux_ranking_text", len(windows), lambda: ranking_epoch(windows, weights, gen))
    result = dict(script="benchmarks/extra_loops_torch.py", torch=torch.__version__, torch_threads=torch.get_num_threads(),
                  reps=reps, flops_per_sample=FLOPS, rows=rows)
    temp = out + ".tmp"
    with open(temp, "w") as f:
        json.dump(result, f, indent=1)
    os.replace(temp, out)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--quick"]
    if len(args) != 1:
        sys.exit("usage: extra_loops_torch.py OUT.json [--quick]")
    main(args[0], "--quick" in sys.argv[1:])
