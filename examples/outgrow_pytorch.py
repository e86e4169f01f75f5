"""Outgrow chainrule: a model built with chainrule's nn, trained by PyTorch, brought back.

1. Build a Fashion-MNIST network with chainrule's ``nn`` (a 784-128-10 ReLU MLP, or
   ``--model cnn``: the textbook's SimpleConvNet).
2. ``nn.to_torch``: the same network, with the same weights, as a ``torch.nn.Module``.
3. Train it with PyTorch, in this process, or with ``--processes N`` as PyTorch's
   ``DistributedDataParallel`` on N CPU processes talking over 127.0.0.1 with the gloo backend.
   That is the code that spans machines: started by ``torchrun`` (which sets ``RANK``,
   ``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT``), each copy of this script is one process
   of the run, and the first one continues with the steps below.  ``--device cuda`` trains on a GPU.
4. ``nn.from_torch``: the trained weights back in chainrule, evaluated there to the accuracy
   PyTorch reports.
5. ``autograd_core.from_torch``: the loss of one batch, computed by PyTorch, drawn by chainrule
   with every value, gradient and local derivative.

Run: ``python examples/outgrow_pytorch.py --epochs 2 --processes 2 -o out/outgrow-batch.svg``
(``--limit 2000`` for a quick look on the first 2,000 training and test images).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from autograd_core import from_torch

_PROG = "outgrow_pytorch.py"


class _Parser(argparse.ArgumentParser):
    """Bad flags: one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{_PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return value

    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = _Parser(prog=_PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with the Fashion-MNIST IDX files (default: $CHAINRULE_DATA or the "
                        "Debian package dataset-fashion-mnist)")
    parser.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    parser.add_argument("--epochs", type=_positive(int), default=2)
    parser.add_argument("--batch-size", type=_positive(int), default=100, help="the global batch, over all processes")
    parser.add_argument("--lr", type=_positive(float), default=1e-3, help="Adam's learning rate")
    parser.add_argument("--processes", type=_positive(int), default=1,
                        help="train with DistributedDataParallel on this many CPU processes")
    parser.add_argument("--limit", type=_positive(int), help="use only the first N training and test images")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--out", default="out/outgrow-batch.svg", help="the diagram of one batch (.svg, .png)")
    args = parser.parse_args(argv)
    if args.processes > 1 and args.device != "cpu":
        parser.error("--processes runs CPU processes (gloo); for GPUs start one process per GPU with torchrun")
    if args.batch_size % args.processes:
        parser.error(f"--batch-size {args.batch_size} does not split evenly over --processes {args.processes}")
    if Path(args.out).suffix.lower() not in (".svg", ".png", ".pdf"):
        parser.error(f"--out {args.out!r} must end in .svg, .png or .pdf")
    return args


def load(args: argparse.Namespace) -> tuple:
    """The data, cut to ``--limit``; images as (N, 1, 28, 28) for the cnn, rows of 784 for the mlp."""
    (x_train, t_train), (x_test, t_test) = nn.load_mnist(args.data, flatten=args.model == "mlp")
    if args.limit:
        x_train, t_train, x_test, t_test = (a[: args.limit] for a in (x_train, t_train, x_test, t_test))
    return x_train, t_train.astype(np.int64), x_test, t_test.astype(np.int64)


def build(args: argparse.Namespace) -> nn.Module:
    """Step 1: the network, built with chainrule's nn (float32, seeded)."""
    if args.model == "cnn":
        return nn.convnet(batchnorm="hidden", seed=args.seed)
    return nn.mlp([784, 128, 10], seed=args.seed, dtype=np.float32)


# -- step 3: PyTorch's training loop, on one process or as one of many --------------------------------
def train(net: Any, args: argparse.Namespace, x_train: np.ndarray, t_train: np.ndarray, rank: int = 0,
          world: int = 1) -> Any:
    """Adam on cross-entropy; with ``world`` > 1 (the process group already joined), each process
    takes its share of every batch and DistributedDataParallel averages the gradients."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    net = net.to(device).train()
    model = torch.nn.parallel.DistributedDataParallel(net) if world > 1 else net
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    x, t = torch.from_numpy(x_train), torch.from_numpy(t_train)
    share = args.batch_size // world
    for epoch in range(args.epochs):
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(args.seed + epoch))
        for start in range(0, len(x) - args.batch_size + 1, args.batch_size):
            batch = order[start + rank * share : start + (rank + 1) * share]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[batch].to(device)), t[batch].to(device))
            loss.backward()
            optimizer.step()
        if rank == 0:
            print(f"epoch {epoch + 1}/{args.epochs}  last batch loss {loss.item():.4f}  ({world} process(es))")
    return net.cpu()


def _worker(rank: int, world: int, net: Any, args: argparse.Namespace, data: tuple, state_path: str) -> None:
    """One process of a DistributedDataParallel run on this machine (started by torch.multiprocessing)."""
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)  # one core per process
    os.environ["RANK"], os.environ["WORLD_SIZE"] = str(rank), str(world)
    dist.init_process_group("gloo", init_method="env://", rank=rank, world_size=world)
    try:
        net = train(net, args, *data, rank, world)
        if rank == 0:
            torch.save(net.state_dict(), state_path)
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def train_with_pytorch(net: Any, args: argparse.Namespace, x_train: np.ndarray, t_train: np.ndarray) -> Any:
    """Step 3, whichever way it runs: in this process, on --processes CPU processes, or under torchrun."""
    import torch
    import torch.distributed as dist
    import torch.multiprocessing as mp

    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # started by torchrun, on one machine or many
        dist.init_process_group("gloo" if args.device == "cpu" else "nccl")
        rank, world = dist.get_rank(), dist.get_world_size()
        try:
            net = train(net, args, x_train, t_train, rank, world)
        finally:
            dist.destroy_process_group()
        if rank != 0:
            raise SystemExit(0)
        return net
    if args.processes == 1:
        return train(net, args, x_train, t_train)
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ["MASTER_PORT"] = str(_free_port())
    with tempfile.TemporaryDirectory() as folder:
        state_path = os.path.join(folder, "trained.pt")
        data = (x_train, t_train)  # handed over once: the processes need not read the files again
        mp.spawn(_worker, args=(args.processes, net, args, data, state_path), nprocs=args.processes, join=True)
        net.load_state_dict(torch.load(state_path))
    return net


def torch_accuracy(net: Any, x: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    import torch

    net.eval()
    with torch.no_grad():
        predictions = net(torch.from_numpy(x)).argmax(1).numpy()
    return float((predictions == t).mean()), predictions


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    try:
        x_train, t_train, x_test, t_test = load(args)
    except (OSError, ValueError) as error:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            print(f"{_PROG}: error: --device cuda: PyTorch sees no CUDA device here", file=sys.stderr)
            raise SystemExit(2)

    model = build(args)  # 1. chainrule
    net = nn.to_torch(model)  # 2. PyTorch
    print(f"built with chainrule's nn and handed to PyTorch:\n{net}")
    net = train_with_pytorch(net, args, x_train, t_train)  # 3. trained by PyTorch
    torch_acc, torch_predictions = torch_accuracy(net, x_test, t_test)
    back = nn.from_torch(net)  # 4. back in chainrule
    _, chainrule_acc = nn.evaluate(back, x_test, t_test)
    chainrule_predictions = back.eval()(x_test).data.argmax(1)
    differing = int((chainrule_predictions != torch_predictions).sum())
    print(f"test accuracy: PyTorch {torch_acc:.2%}, chainrule with the weights brought back {chainrule_acc:.2%} "
          f"({differing} of {len(t_test)} predictions differ)")

    import torch
    import torch.nn.functional as F  # 5. one batch of PyTorch, drawn by chainrule

    batch, labels = torch.from_numpy(x_test[:4]), torch.from_numpy(t_test[:4])
    net.eval()
    loss = F.cross_entropy(net(batch), labels)
    mirror = from_torch(loss, named=net, names={batch: "images"})
    mirror.backward()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    print(f"one batch of PyTorch's graph, drawn by chainrule: {viz.render(mirror, args.out)}")
    return {"torch_accuracy": torch_acc, "chainrule_accuracy": chainrule_acc, "differing": differing,
            "mirror": mirror, "out": args.out}


if __name__ == "__main__":
    main()
