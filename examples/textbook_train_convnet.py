"""The book's chapter-7 script: train ``SimpleConvNet`` with the ``Trainer`` (Adam, lr 0.001),
then save the parameters.  Only the import lines are new.

Run: ``python examples/textbook_train_convnet.py`` (the book's 20 epochs on 60,000 images take
long in plain NumPy; ``--epochs 1 --train-size 5000`` for a first look, ``--out params.pkl``).
"""

import argparse

import numpy as np

from nn import load_mnist
from nn.textbook import SimpleConvNet, Trainer


def main(max_epochs: int = 20, train_limit: int | None = None, out: str = "params.pkl") -> Trainer:
    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
    if train_limit is not None:
        x_train, t_train = x_train[:train_limit], t_train[:train_limit]
        x_test, t_test = x_test[:train_limit], t_test[:train_limit]

    network = SimpleConvNet(
        input_dim=(1, 28, 28),
        conv_param={"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1},
        hidden_size=100,
        output_size=10,
        weight_init_std=0.01,
    )
    trainer = Trainer(
        network,
        x_train,
        t_train,
        x_test,
        t_test,
        epochs=max_epochs,
        mini_batch_size=100,
        optimizer="Adam",
        optimizer_param={"lr": 0.001},
        evaluate_sample_num_per_epoch=1000,
    )
    trainer.train()

    network.save_params(out)
    print("Saved Network Parameters!")
    return trainer


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="the book's 20")
    parser.add_argument("--train-size", type=int, default=None, help="use only the first N training (and test) images")
    parser.add_argument("--seed", type=int, default=None, help="np.random.seed for weights and batches")
    parser.add_argument("--out", default="params.pkl", help="where save_params writes")
    args = parser.parse_args()
    if args.seed is not None:
        np.random.seed(args.seed)
    main(args.epochs, args.train_size, args.out)
