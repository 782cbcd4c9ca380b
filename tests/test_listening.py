"""Notebook 05 part 2, listening: belonging profiles, unusual changes, comment tone and themes, the network."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company

import smbkit
from smbkit import listening as L

AS_OF = pd.Timestamp("2025-12-31")


def test_silhouette_matches_a_brute_force_definition():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(12, 2))
    labels = np.array([0] * 5 + [1] * 4 + [2] * 3)
    s = []
    for i in range(12):
        dist = np.linalg.norm(X - X[i], axis=1)
        a = dist[(labels == labels[i]) & (np.arange(12) != i)].mean()
        b = min(dist[labels == k].mean() for k in set(labels) if k != labels[i])
        s.append((b - a) / max(a, b))
    assert L.silhouette(X, labels) == pytest.approx(np.mean(s))


def test_profiles_are_stable_with_a_seed_and_never_small(sample):
    p1 = L.belonging_profiles(sample)
    p2 = L.belonging_profiles(sample)
    pd.testing.assert_frame_equal(p1, p2)
    assert len(p1) >= 2 and (p1["people"] >= sample.settings.min_group_size).all()
    assert p1["share_pct"].sum() == pytest.approx(100)


def test_small_clusters_are_merged():
    X = np.r_[np.zeros((10, 2)), np.ones((10, 2)) * 10, [[50.0, 50.0]]]
    labels = L._kmeans(X, 3, seed=0, min_size=5)
    assert np.bincount(labels).min() >= 5


def test_robust_z_and_flags():
    assert L.robust_z([60, 62, 61, 63, 60], 50) == pytest.approx(0.6745 * (50 - 61) / 1)
    assert L.robust_z([60, 60, 60, 60, 70], 60) == 0.0
    assert L.robust_z([60, 60, 60, 60, 70], 80) == pytest.approx(20 / (1.253314 * 2))


def test_vader_on_known_sentences():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    v = SentimentIntensityAnalyzer()
    assert v.polarity_scores("Great team, I really like coming to work.")["compound"] > L.TONE_CUT
    assert v.polarity_scores("Rotas come too late and the overtime is terrible.")["compound"] < -L.TONE_CUT
    assert abs(v.polarity_scores("The meeting is on Tuesday.")["compound"]) < L.TONE_CUT


def test_themes_find_keywords_at_word_starts(sample):
    s = L.comment_sentiment(sample, lexicon={"rotas": ["rota"], "pay": ["pay"]})
    rota = s[s["comment"].str.contains("Rotas come too late")]
    assert rota["rotas"].all() and not rota["pay"].any()
    assert s.loc[s["comment"].str.contains("Pay has not kept up"), "pay"].all()


def test_comment_groups_respect_min_group_size(sample):
    s = L.comment_sentiment(sample)
    by_team = L.comment_themes(sample, s, by="team")
    shown = by_team[~by_team["hidden"]]
    assert (shown["respondents"] >= sample.settings.min_group_size).all()
    assert by_team.loc[by_team["hidden"], ["respondents", "mentions", "share_pct", "mean_compound"]].isna().all().all()
    assert by_team["hidden"].any()
    ex = L.theme_examples(sample, s)
    assert (ex["mentions"] >= sample.settings.min_group_size).all()
    names = sample.employees["name"].dropna()
    assert not any(n in text for n in names for text in ex["comment"])


def test_network_measures_by_hand(tmp_path):
    emp = [person("A", team="t1", work_mode="onsite"), person("B", team="t1", work_mode="onsite"),
           person("C", team="t2", work_mode="remote"), person("D", team="t2", work_mode="remote")]
    inter = [{"source_id": "A", "target_id": "B", "weight": 4, "period": "2025-11"},
             {"source_id": "B", "target_id": "A", "weight": 4, "period": "2025-12"},
             {"source_id": "B", "target_id": "C", "weight": 2, "period": "2025-12"}]
    c = smbkit.load_company(write_company(tmp_path / "n", employees=emp, interactions=inter,
                                          settings={"as_of": AS_OF.date(), "min_group_size": 3}))
    G = L.collaboration_graph(c)
    assert G["A"]["B"]["weight"] == 8 and G.number_of_edges() == 2
    s = dict(zip(*L.network_summary(G).T.values))
    assert s["people with no ties"] == 1 and s["people with one tie"] == 2
    assert s["ties across teams (%)"] == pytest.approx(50)
    ties = L.team_ties(G).set_index(["team_a", "team_b"])
    assert ties.loc[("t1", "t1"), "density"] == 1.0 and ties.loc[("t1", "t2"), "density"] == pytest.approx(1 / 4)
    import networkx as nx

    H = G.copy()
    for _, _, d in H.edges(data=True):
        d["distance"] = 1 / d["weight"]
    # closeness of B: distances 1/8 to A and 1/2 to C, D unreachable -> networkx's scaled closeness
    close_b = nx.closeness_centrality(H, distance="distance")["B"]
    assert close_b == pytest.approx((2 / (1 / 8 + 1 / 2)) * (2 / 3))
    modes = L.work_mode_connectedness(G, 3)
    assert modes["hidden"].all()  # two people per work mode: both hidden


def test_closeness_matches_networkx(sample):
    import networkx as nx

    G = L.collaboration_graph(sample)
    H = G.copy()
    for _, _, d in H.edges(data=True):
        d["distance"] = 1 / d["weight"]
    expected = nx.closeness_centrality(H, distance="distance")
    ours = L.closeness(G, list(G.nodes))
    assert ours == pytest.approx(expected)
