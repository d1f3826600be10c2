"""my-plugin: a trafficbench ranking plugin in Python (docs/PLUGINS.md § rankers in other languages).

Run it with `bench run --plugin my_plugin.py --algorithms my-plugin,relevance --scenario small`;
`bench check my_plugin.py` checks it. Anything in this file's folder (weights, tables) is part of
its cells' hash: a resumed run reruns them when it changes.
"""
import math

import trafficbench_ranker as tb

# Parameters and their defaults: `--param my-plugin.price_weight=0.5` sets one, `--sweep` varies it.
PARAMS = {'price_weight': 0.2}


def score(session, market, i):
    """Relevance, less a little for a higher price than the category's reference."""
    product = int(session.candidates[i])
    price = market.products['price'][product]
    reference = market.categories['refPrice'][market.products['category'][product]]
    return session.relevance[i] - market.params['price_weight'] * math.log(price / reference)


def rank(session, market):
    """The k best candidates by score, best first (ties to the earlier candidate)."""
    order = sorted(range(session.n), key=lambda i: -score(session, market, i))
    return [int(session.candidates[i]) for i in order[:session.k]]


if __name__ == '__main__':
    tb.serve('my-plugin', rank, summary='relevance, less a little for a high price', params=PARAMS)
