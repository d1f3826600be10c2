"""A trafficbench ranking plugin in Python, standard library only (numpy used when importable).

    import trafficbench_ranker as tb

    def rank(session, market):
        order = sorted(range(session.n), key=lambda i: -session.relevance[i])
        return [session.candidates[i] for i in order[:session.k]]

    tb.serve('my-ranker', rank, summary='relevance first')

`bench run --plugin my_ranker.py` starts `python3 my_ranker.py` with this module on PYTHONPATH and
talks to it on stdin/stdout (docs/PROTOCOL.md). Write diagnostics to stderr, never to stdout.
"""

import io
import json
import sys
from array import array

try:  # numpy, when present, gives the arrays as ndarrays (views of the message, no copy)
    import numpy as _np
except ImportError:  # pragma: no cover - the standard library path
    _np = None
#: numpy when it is importable (the arrays a ranker gets are then ndarrays), else None.
numpy = _np

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


def _mapped(path, size):
    """The first `size` bytes of a file, mapped (no copy) when mmap can, else read."""
    import mmap
    with open(path, 'rb') as f:
        try:
            return memoryview(mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ))
        except (OSError, ValueError):
            return f.read(size)


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
        if 'file' in header:  # large arrays in a shared file (docs/PROTOCOL.md § large arrays)
            return header, _mapped(header['file'], size)
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


def _slates(slates):
    """The reply's arrays for one slate per session: numpy arrays of ids are joined without a Python loop."""
    if _np is not None and all(isinstance(items, _np.ndarray) and items.ndim == 1 for items in slates):
        lengths = _np.fromiter((len(items) for items in slates), dtype='<i4', count=len(slates))
        offsets = _np.zeros(len(slates) + 1, dtype='<i4')
        _np.cumsum(lengths, out=offsets[1:])
        products = _np.concatenate(slates).astype('<i4') if slates else _np.zeros(0, dtype='<i4')
        return [('offsets', 'int32', offsets), ('products', 'int32', products),
                ('cpc', 'float64', _np.zeros(len(products)))]
    out_offsets = [0]
    products = []
    cpc = []
    for items in slates:
        p, c = _slate(items)
        products.extend(p)
        cpc.extend(c)
        out_offsets.append(len(products))
    return [('offsets', 'int32', out_offsets), ('products', 'int32', products), ('cpc', 'float64', cpc)]


class _Ranker:
    """The plugin's side of the conversation: one reply (or None) per message."""

    def __init__(self, name, rank, summary, batch, params, observe, on_session, claims):
        self.name = name
        self.rank = rank
        self.summary = summary
        self.batch = batch
        self.params = params
        self.observe = observe
        self.on_session = on_session
        self.claims = claims
        self.market = None

    def handle(self, header, payload):
        """(reply header, reply arrays) for a message that has a reply, else None; 'stop' on shutdown."""
        kind = header['type']
        if kind == 'describe':
            return ({
                'type': 'describe', 'protocol': PROTOCOL, 'name': self.name, 'summary': self.summary,
                'claims': list(self.claims), 'params': _param_schema(self.params),
                'mode': 'batch' if self.batch else 'session',
                'feedback': {'session': self.on_session is not None, 'round': self.observe is not None},
                'shared_memory': True,
            }, ())
        if kind == 'start':
            self.market = Market(header['seed'], header['k'], header['params'], header['kind'])
            return {'type': 'ready'}, ()
        market = self.market
        if kind == 'market':
            market.counts.update(header.get('counts', {}))
            for key, values in {**header.get('text', {}), **_decode(header, payload)}.items():
                entity, column = key.split('.', 1)
                getattr(market, entity)[column] = values
            return None
        if kind == 'rank':
            a = _decode(header, payload)
            s = Session(header['round'], header['kind'], header['buyer'], header['category'], header['k'],
                        a['candidates'], a['relevance'], header['session'])
            products, cpc = _slate(self.rank(s, market))
            return {'type': 'slate'}, [('products', 'int32', products), ('cpc', 'float64', cpc)]
        if kind == 'rank_batch':
            a = _decode(header, payload)
            offsets, buyers, categories = (list(a[key]) if _np is None else a[key].tolist()
                                           for key in ('offsets', 'buyer', 'category'))
            candidates, relevance = a['candidates'], a['relevance']
            first, k, round_, kind_ = header['first'], header['k'], header['round'], header['kind']
            sessions = [
                Session(round_, kind_, buyers[i], categories[i], k, candidates[offsets[i]:offsets[i + 1]],
                        relevance[offsets[i]:offsets[i + 1]], first + i)
                for i in range(len(buyers))
            ]
            slates = self.rank(sessions, market)
            if len(slates) != len(sessions):
                raise ValueError('rank returned %d slates for %d sessions' % (len(slates), len(sessions)))
            return {'type': 'slates'}, _slates(slates)
        if kind == 'session_feedback':
            if self.on_session is not None:
                self.on_session({**header, **_decode(header, payload)}, market)
            return None
        if kind == 'round_feedback':
            if self.observe is not None:
                self.observe({**header, **_decode(header, payload)}, market)
            return None
        if kind == 'shutdown':
            return 'stop'
        raise ValueError('unknown message type %r' % kind)


def _widen_pipes():
    """Larger buffers on stdin and stdout (sockets or pipes): a round's 30 MB batch crosses in fewer wake-ups."""
    import os
    import stat
    for fd in (0, 1):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                import socket
                s = socket.socket(fileno=os.dup(fd))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF if fd == 0 else socket.SO_SNDBUF, 4 << 20)
                s.detach()
            else:
                import fcntl
                fcntl.fcntl(fd, 1031, 1 << 20)  # F_SETPIPE_SZ (Linux)
        except (ImportError, OSError, ValueError):
            pass


def serve(name, rank, *, summary='', batch=False, params=None, observe=None, on_session=None, claims=(),
          stdin=None, stdout=None):
    """Answers the kit's messages on stdin/stdout until it says shutdown (docs/PROTOCOL.md).

    rank(session, market) returns the product ids to show, best first (an item may be (id, cpc) for a
    sponsored slot); with batch=True, rank(sessions, market) returns one such list per session.
    observe(feedback, market) gets each round's outcomes (impressions, clicks, orders, exposure by
    product; seller_ad_spend by seller); on_session(feedback, market) each session's (products, cpc,
    clicked, purchased_slot, retail_price). market.params holds the run's parameters, market.seed its seed.
    """
    if stdin is None:
        _widen_pipes()
    channel = _Channel(stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)
    # Whatever the ranker prints must not corrupt the protocol: print() goes to stderr.
    sys.stdout = sys.stderr
    ranker = _Ranker(name, rank, summary, batch, params, observe, on_session, claims)
    while True:
        header, payload = channel.read()
        if header is None:
            return
        try:
            reply = ranker.handle(header, payload)
        except Exception as err:  # the kit names the plugin, the round and this message
            channel.write({'type': 'error', 'message': '%s: %s' % (type(err).__name__, err)})
            return
        if reply == 'stop':
            return
        if reply is not None:
            channel.write(*reply)


def serve_http(name, rank, *, port=8080, host='127.0.0.1', summary='', batch=True, params=None, observe=None,
               on_session=None, claims=(), ready=None):
    """The same ranker as a service: each POSTed message is answered in the response body.

    `bench run --plugin http://HOST:PORT/` talks to it. Runs are told apart by the `run` of their
    messages (cells on several workers may run at once). ready(port) is called once the server
    listens (port 0 picks a free one).
    """
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    rankers = {}
    lock = threading.Lock()

    def ranker_of(run):
        with lock:
            if run not in rankers:
                rankers[run] = _Ranker(name, rank, summary, batch, params, observe, on_session, claims)
            return rankers[run]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get('content-length', 0)))
            out = io.BytesIO()
            channel = _Channel(io.BytesIO(body), out)
            header, payload = channel.read()
            ranker = ranker_of(header.get('run') if header is not None else None)
            try:
                reply = ranker.handle(header, payload) if header is not None else None
                if reply == 'stop':
                    with lock:
                        rankers.pop(header.get('run'), None)
            except Exception as err:
                reply = ({'type': 'error', 'message': '%s: %s' % (type(err).__name__, err)}, ())
            if isinstance(reply, tuple):
                channel.write(*reply)
            data = out.getvalue()
            self.send_response(200)
            self.send_header('content-type', 'application/x-trafficbench')
            self.send_header('content-length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    if ready is not None:
        ready(server.server_address[1])
    server.serve_forever()
