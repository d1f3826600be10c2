"""Tests of my-plugin's ranking on a hand-made market (python3 -m unittest test_my_plugin.py)."""
import unittest

import trafficbench_ranker as tb
import my_plugin


def market(prices, params=None):
    m = tb.Market(seed=1, k=2, params={**my_plugin.PARAMS, **(params or {})}, kind='search')
    m.products = {'price': prices, 'category': [0] * len(prices)}
    m.categories = {'refPrice': [20.0]}
    return m


def session(candidates, relevance, k=2):
    return tb.Session(0, 'search', 0, 0, k, candidates, relevance, 0)


class RankTest(unittest.TestCase):
    def test_fills_at_most_k_slots_with_candidates_once_each(self):
        shown = my_plugin.rank(session([0, 1, 2], [0.5, 0.9, 0.1]), market([20.0, 20.0, 20.0]))
        self.assertLessEqual(len(shown), 2)
        self.assertEqual(len(set(shown)), len(shown))
        self.assertTrue(set(shown) <= {0, 1, 2})

    def test_ranks_by_relevance_at_equal_prices(self):
        self.assertEqual(my_plugin.rank(session([0, 1, 2], [0.5, 0.9, 0.1]), market([20.0] * 3)), [1, 0])

    def test_a_much_higher_price_costs_a_place(self):
        shown = my_plugin.rank(session([0, 1], [0.6, 0.55]), market([200.0, 20.0], {'price_weight': 0.5}))
        self.assertEqual(shown, [1, 0])


if __name__ == '__main__':
    unittest.main()
