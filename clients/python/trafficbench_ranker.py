"""A trafficbench ranking plugin in Python, standard library only (numpy used when importable).

    import trafficbench_ranker as tb

    def rank(session, market):
        order = sorted(range(session.n), key=lambda i: -session.relevance[i])
        return [session.candidates[i] for i in order[:session.k]]

    tb.serve('my-ranker', rank, summary='relevance first')

`bench run --plugin my_ranker.py` starts `python3 my_ranker.py` with this module on PYTHONPATH and
talks to it on stdin/stdout (docs/PROTOCOL.md). Write diagnostics to stderr, never to stdout.
"""

import json
import struct
import sys
from array import array

try:  # numpy, when present, gives the arrays as ndarrays (views of the message, no copy)
    import numpy as _np
except ImportError:  # pragma: no cover - the standard library path
    _np = None

PROTOCOL = 1
_DTYPES = {'int32': ('i', 4), 'float64': ('d', 8), 'float32': ('f', 4), 'uint8': ('B', 1)}
_LITTLE = sys.byteorder == 'little'


class Session:
    """One buyer visit: `candidates` and `relevance` hold exactly the session's n entries."""

    __slots__ = ('round', 'kind', 'buyer', 'category', 'k', 'n', 'candidates', 'relevance', 'index')

    def __init__(self, round, kind, buyer, category, k, candidates, relevance, index):
        self.round = round
        self.kind = kind
        self.buyer = buyer
        self.category = category
        self.k = k
        self.n = len(candidates)
        self.candidates = candidates
        self.relevance = relevance
        self.index = index


class Market:
    """The observable market as of the last refresh: columns by entity, e.g. market.products['price'].

    Also the run's `seed`, `k`, resolved `params` and session `kind`.
    """

    def __init__(self, seed, k, params, kind):
        self.seed = seed
        self.k = k
        self.params = params
        self.kind = kind
        self.counts = {}
        self.products = {}
        self.sellers = {}
        self.categories = {}
        self.buyers = {}


def _decode(header, payload):
    """The message's arrays by name, as numpy arrays or array.array views of the payload."""
    arrays = {}
    at = 0
    view = memoryview(payload)
    for spec in header.get('arrays', []):
        code, size = _DTYPES[spec['dtype']]
        length = spec['length']
        nbytes = length * size
        chunk = view[at:at + nbytes]
        if _np is not None:
            arrays[spec['name']] = _np.frombuffer(chunk, dtype='<' + {'i': 'i4', 'd': 'f8', 'f': 'f4', 'B': 'u1'}[code])
        else:
            a = array(code)
            a.frombytes(chunk)
            if not _LITTLE:
                a.byteswap()
            arrays[spec['name']] = a
        at += (nbytes + 7) // 8 * 8
    return arrays


def _encode(arrays):
    """(header specs, payload) for [(name, dtype, values)], each padded to 8 bytes."""
    specs = []
    parts = []
    for name, dtype, values in arrays:
        code, size = _DTYPES[dtype]
        if _np is not None and isinstance(values, _np.ndarray):
            data = values.astype('<' + {'i': 'i4', 'd': 'f8', 'f': 'f4', 'B': 'u1'}[code], copy=False).tobytes()
        else:
            a = array(code, values)
            if not _LITTLE:
                a.byteswap()
            data = a.tobytes()
        specs.append({'name': name, 'dtype': dtype, 'length': len(data) // size})
        parts.append(data + b'\0' * ((-len(data)) % 8))
    return specs, b''.join(parts)


class _Channel:
    def __init__(self, inp, out):
        self.inp = inp
        self.out = out

    def read(self):
        line = self.inp.readline()
        if not line:
            return None, None
        header = json.loads(line)
        size = header.get('bytes', 0)
        payload = self.inp.read(size) if size else b''
        if len(payload) != size:
            raise EOFError('the message ended early')
        return header, payload

    def write(self, header, arrays=()):
        specs, payload = _encode(arrays)
        if specs:
            header['arrays'] = specs
        header['bytes'] = len(payload)
        self.out.write(json.dumps(header, separators=(',', ':')).encode() + b'\n')
        if payload:
            self.out.write(payload)
        self.out.flush()


def _param_schema(params):
    schema = {}
    for key, default in (params or {}).items():
        if isinstance(default, bool):
            kind = 'boolean'
        elif isinstance(default, int):
            kind = 'integer'
        elif isinstance(default, float):
            kind = 'number'
        elif isinstance(default, str):
            kind = 'string'
        elif isinstance(default, (list, tuple)):
            kind = 'array'
        else:
            raise TypeError('parameter %r: a default must be a bool, int, float, str or list' % key)
        schema[key] = {'type': kind, 'default': list(default) if isinstance(default, tuple) else default}
    return schema


def _slate(items):
    """Product ids and CPCs from what rank returned: ids, or (id, cpc) pairs for sponsored slots."""
    products = []
    cpc = []
    for item in items:
        if isinstance(item, (tuple, list)):
            products.append(int(item[0]))
            cpc.append(float(item[1]))
        else:
            products.append(int(item))
            cpc.append(0.0)
    return products, cpc


def serve(name, rank, *, summary='', batch=False, params=None, observe=None, on_session=None, claims=(),
          stdin=None, stdout=None):
    """Answers the kit's messages until it says shutdown (docs/PROTOCOL.md).

    rank(session, market) returns the product ids to show, best first (an item may be (id, cpc) for a
    sponsored slot); with batch=True, rank(sessions, market) returns one such list per session.
    observe(feedback, market) gets each round's outcomes (impressions, clicks, orders, exposure by
    product; seller_ad_spend by seller); on_session(feedback, market) each session's (products, cpc,
    clicked, purchased_slot, retail_price).
    """
    channel = _Channel(stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)
    # Whatever the ranker prints must not corrupt the protocol: print() goes to stderr.
    sys.stdout = sys.stderr
    market = None
    while True:
        header, payload = channel.read()
        if header is None:
            return
        kind = header['type']
        try:
            if kind == 'describe':
                channel.write({
                    'type': 'describe', 'protocol': PROTOCOL, 'name': name, 'summary': summary,
                    'claims': list(claims), 'params': _param_schema(params),
                    'mode': 'batch' if batch else 'session',
                    'feedback': {'session': on_session is not None, 'round': observe is not None},
                })
            elif kind == 'start':
                market = Market(header['seed'], header['k'], header['params'], header['kind'])
                channel.write({'type': 'ready'})
            elif kind == 'market':
                market.counts.update(header.get('counts', {}))
                for key, values in {**header.get('text', {}), **_decode(header, payload)}.items():
                    entity, column = key.split('.', 1)
                    getattr(market, entity)[column] = values
            elif kind == 'rank':
                a = _decode(header, payload)
                s = Session(header['round'], header['kind'], header['buyer'], header['category'], header['k'],
                            a['candidates'], a['relevance'], header['session'])
                products, cpc = _slate(rank(s, market))
                channel.write({'type': 'slate'}, [('products', 'int32', products), ('cpc', 'float64', cpc)])
            elif kind == 'rank_batch':
                a = _decode(header, payload)
                offsets, buyers, categories = a['offsets'], a['buyer'], a['category']
                sessions = [
                    Session(header['round'], header['kind'], int(buyers[i]), int(categories[i]), header['k'],
                            a['candidates'][offsets[i]:offsets[i + 1]], a['relevance'][offsets[i]:offsets[i + 1]],
                            header['first'] + i)
                    for i in range(len(buyers))
                ]
                slates = rank(sessions, market)
                if len(slates) != len(sessions):
                    raise ValueError('rank returned %d slates for %d sessions' % (len(slates), len(sessions)))
                out_offsets = [0]
                products = []
                cpc = []
                for items in slates:
                    p, c = _slate(items)
                    products.extend(p)
                    cpc.extend(c)
                    out_offsets.append(len(products))
                channel.write({'type': 'slates'}, [('offsets', 'int32', out_offsets), ('products', 'int32', products),
                                                   ('cpc', 'float64', cpc)])
            elif kind == 'session_feedback':
                if on_session is not None:
                    on_session({**header, **_decode(header, payload)}, market)
            elif kind == 'round_feedback':
                if observe is not None:
                    observe({**header, **_decode(header, payload)}, market)
            elif kind == 'shutdown':
                return
            else:
                raise ValueError('unknown message type %r' % kind)
        except Exception as err:  # the kit names the plugin, the round and this message
            channel.write({'type': 'error', 'message': '%s: %s' % (type(err).__name__, err)})
            return
