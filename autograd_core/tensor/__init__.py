"""The NumPy ``Tensor`` and its op families: elementwise ops and the matrix product, reductions,
shapes and indexing, softmax and the fused loss, convolution, pooling and batch normalisation
(as ``torch.nn.functional``), and the NumPy protocol.  Each family registers its ops' records
when imported; a Tensor's methods apply them through those records.
"""

from .conv import conv2d
from .core import Tensor, as_tensor, new_node, tensor_op
from .elementwise import maximum, minimum, where
from .norm import batch_norm
from .pool import avg_pool2d, max_pool2d
from .reduce import normalize_axes
from .shape import concatenate, stack
from .softmax import log_softmax, softmax, softmax_cross_entropy

__all__ = [
    "Tensor",
    "as_tensor",
    "avg_pool2d",
    "batch_norm",
    "concatenate",
    "conv2d",
    "log_softmax",
    "max_pool2d",
    "maximum",
    "minimum",
    "new_node",
    "normalize_axes",
    "softmax",
    "softmax_cross_entropy",
    "stack",
    "tensor_op",
    "where",
]
