"""PyTorch is an optional extra: no chainrule module imports it, and from_torch says how to get it."""

import subprocess
import sys

SCRIPT = r"""
import importlib, pkgutil, sys
sys.modules["torch"] = None          # `import torch` now raises ImportError, as without PyTorch
import autograd_core, nn, viz
assert "torch" not in [m for m in sys.modules if sys.modules[m] is not None and m.split(".")[0] == "torch"]
names = []
for package in (autograd_core, nn, viz):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.endswith(".__main__"):
            continue  # `python -m` entry points: importing one runs the command
        importlib.import_module(info.name)
        names.append(info.name)
assert "autograd_core.torch_mirror.mirror" in names and "nn.torch_bridge" in names, names
try:
    autograd_core.from_torch(object())
except ImportError as error:
    print("refused:", error)
try:
    nn.to_torch(nn.Linear(2, 2))
except ImportError as error:
    print("refused:", error)
print(len(names), "modules imported")
"""


def test_no_chainrule_module_imports_torch_and_from_torch_says_how_to_install_it():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "refused: from_torch needs the torch package: pip install 'chainrule[torch]'"
    assert lines[1] == "refused: nn.to_torch needs the torch package: pip install 'chainrule[torch]'"
    assert int(lines[-1].split()[0]) > 50
