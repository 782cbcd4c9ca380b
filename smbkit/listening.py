"""Notebook 05, part 2 — belonging profiles, unusual changes, comment tone and themes, collaboration networks.

Every result here describes groups, never a person: profiles smaller than min_group_size are
merged, comment and network figures for small groups are hidden, and comments shown as examples
have employee names scrubbed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .people import current_employees
from .survey import scored_responses, survey_results
from .text import count

__all__ = [
    "K_MAX",
    "ROBUST_Z_FLAG",
    "TONE_CUT",
    "silhouette",
    "belonging_profiles",
    "team_anomalies",
    "robust_z",
    "theme_lexicon",
    "comment_sentiment",
    "comment_themes",
    "theme_examples",
    "latest_wave",
    "tone_by_wave",
    "collaboration_graph",
    "closeness",
    "network_summary",
    "team_ties",
    "work_mode_connectedness",
    "communities",
    "find_communities",
    "profiles_takeaway",
    "anomalies_takeaway",
    "themes_takeaway",
    "network_takeaway",
]

K_MAX = 6
SILHOUETTE_SAMPLE = 2000
# Iglewicz & Hoaglin (1993): a modified z-score 0.6745 (x - median) / MAD above 3.5 marks an outlier.
ROBUST_Z_FLAG = 3.5
MIN_HISTORY = 4  # earlier waves a team needs before its latest wave can be called unusual
# VADER's authors' thresholds: compound >= 0.05 positive, <= -0.05 negative (Hutto & Gilbert, 2014).
TONE_CUT = 0.05
_THEMES = Path(__file__).with_name("comment_themes.csv")


# ---------------------------------------------------------------------------------------------
# Belonging profiles
# ---------------------------------------------------------------------------------------------


def silhouette(X: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width (Rousseeuw, 1987): s(i) = (b - a) / max(a, b), a the mean distance to
    the own cluster, b the smallest mean distance to another cluster; s = 0 for singletons.

    Examples
    --------
    >>> round(silhouette(np.array([[0.0], [1.0], [10.0], [11.0]]), np.array([0, 0, 1, 1])), 3)
    0.9
    """
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    ks = np.unique(labels)
    if len(ks) < 2:
        return float("nan")
    sq = (X ** 2).sum(1)
    d = np.sqrt(np.clip(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0, None))
    sums = np.column_stack([d[:, labels == k].sum(1) for k in ks])
    sizes = np.array([(labels == k).sum() for k in ks])
    own = np.searchsorted(ks, labels)
    n_own = sizes[own]
    a = np.where(n_own > 1, sums[np.arange(len(X)), own] / np.maximum(n_own - 1, 1), 0.0)
    means = sums / sizes
    means[np.arange(len(X)), own] = np.inf
    b = means.min(1)
    s = np.where((n_own > 1) & (np.maximum(a, b) > 0), (b - a) / np.maximum(a, b), 0.0)
    return float(s.mean())


def _kmeans(X: np.ndarray, k: int, seed: int, min_size: int) -> np.ndarray:
    """k-means (scipy kmeans2, k-means++ start, seeded); clusters under ``min_size`` are merged into the nearest centroid."""
    from scipy.cluster.vq import kmeans2

    centroids, labels = kmeans2(X, k, seed=np.random.default_rng(seed), minit="++")
    while True:
        counts = np.bincount(labels, minlength=len(centroids))
        small = [c for c in np.argsort(counts) if counts[c] > 0 and privacy.too_few(counts[c], min_size)]
        if not small or (counts > 0).sum() <= 1:
            break
        c = small[0]
        alive = [j for j in range(len(centroids)) if j != c and counts[j] > 0]
        members = labels == c
        dist = ((X[members][:, None, :] - centroids[alive][None, :, :]) ** 2).sum(-1)
        labels[members] = np.asarray(alive)[dist.argmin(1)]
        for j in alive:
            centroids[j] = X[labels == j].mean(0)
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def belonging_profiles(company: Company, *, wave=None, seed: int = 0) -> pd.DataFrame:
    """Groups of respondents who feel alike, from their dimension scores (k-means, k by silhouette).

    Responses of one wave (default the latest) with every dimension answered; k from 2 to `K_MAX`,
    each run merged until every profile holds at least min_group_size people; the k with the
    highest mean silhouette wins. Each profile is described by the dimensions where it sits 5 or
    more points above or below everyone's average. Nothing is shown for fewer than two groups'
    worth of answers; a dimension's means are left blank when the profiles leave out fewer than
    min_group_size of the people who answered it (the wave's mean would give their scores away).

    Returns
    -------
    DataFrame
        Columns: ``profile``, ``people``, ``share_pct``, one ``<dimension>`` column per dimension (mean
        0-100), ``description``, ``silhouette``.
    """
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    r = scored_responses(company)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    dims = [c for c in r.columns if c.startswith("dim__")]
    X = r.loc[r["wave"] == wave, dims].dropna()
    if privacy.groups_that_fit(len(X), min_size) < 2 or len(dims) < 2:
        return pd.DataFrame()
    values = X.to_numpy(dtype=float)
    # the silhouette is judged on a seeded sample of at most SILHOUETTE_SAMPLE answers (its cost grows with n squared)
    pick = np.random.default_rng(seed).permutation(len(values))[:SILHOUETTE_SAMPLE]
    best = None
    for k in range(2, min(K_MAX, privacy.groups_that_fit(len(X), min_size)) + 1):
        labels = _kmeans(values, k, seed, min_size)
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette(values[pick], labels[pick])
        if best is None or score > best[0] + 1e-12:
            best = (score, labels)
    if best is None:
        return pd.DataFrame()
    score, labels = best
    names = [d.removeprefix("dim__") for d in dims]
    # The wave's own dimension means count everyone who answered the dimension; where the profiles (people who
    # answered every dimension) leave out a handful of them, the wave's total minus the profiles' would give
    # those few people's scores, so that dimension's means are not shown in the profiles.
    answered = r.loc[r["wave"] == wave, dims].notna().sum().to_numpy()
    left_out = answered - len(X)
    blank = np.asarray(privacy.too_few(left_out, min_size), dtype=bool) & (left_out > 0)
    overall = values.mean(0)
    rows = []
    for k in np.unique(labels):
        m = np.where(blank, np.nan, values[labels == k].mean(0))
        diff = m - overall
        up = [f"{n.replace('_', ' ')} (+{x:.0f})" for n, x in zip(names, diff) if x >= 5]
        down = [f"{n.replace('_', ' ')} ({x:.0f})" for n, x in zip(names, diff) if x <= -5]
        text = ("close to everyone's average" if not up and not down else
                "; ".join(p for p in (("higher on " + ", ".join(up)) if up else "", ("lower on " + ", ".join(down)) if down else "") if p))
        rows.append({"people": int((labels == k).sum()), **dict(zip(names, m)), "description": text,
                     "mean": float(values[labels == k].mean())})
    out = pd.DataFrame(rows).sort_values("mean", ascending=False).drop(columns="mean").reset_index(drop=True)
    out.insert(0, "profile", [f"profile {chr(65 + i)}" for i in range(len(out))])
    out.insert(2, "share_pct", 100 * out["people"] / out["people"].sum())
    out["silhouette"] = score
    return out


# ---------------------------------------------------------------------------------------------
# Unusual changes
# ---------------------------------------------------------------------------------------------


def robust_z(history, value) -> float:
    """Modified z-score of ``value`` against ``history``: 0.6745 (x - median) / MAD; when MAD is 0,
    (x - median) / (1.253314 x mean absolute deviation) (Iglewicz & Hoaglin, 1993).

    Examples
    --------
    >>> round(robust_z([60, 62, 61, 63, 60], 50), 2)
    -7.42
    """
    h = np.asarray(history, dtype=float)
    med = np.median(h)
    mad = np.median(np.abs(h - med))
    if mad > 0:
        return float(0.6745 * (value - med) / mad)
    mean_ad = np.mean(np.abs(h - med))
    return float((value - med) / (1.253314 * mean_ad)) if mean_ad > 0 else 0.0


def team_anomalies(company: Company) -> pd.DataFrame:
    """Teams whose latest wave is unusual against their own earlier waves (robust z-score per measure).

    Only teams shown in the latest wave (privacy) with at least `MIN_HISTORY` shown earlier waves;
    measures: Belonging Index and each dimension. |z| > `ROBUST_Z_FLAG` is flagged.

    Returns
    -------
    DataFrame
        Columns: ``team``, ``measure``, ``latest``, ``usual`` (median of earlier waves), ``robust_z``, ``unusual``.
    """
    res = survey_results(company, by="team")
    res = res[res["measure"] != "enps"]
    latest = res["wave"].max()
    rows = []
    for (team, measure), g in res.groupby(["team", "measure"], sort=True):
        now = g[(g["wave"] == latest) & ~g["hidden"]]
        past = g[(g["wave"] < latest) & ~g["hidden"]]["score"].dropna()
        if now.empty or len(past) < MIN_HISTORY:
            continue
        x = float(now["score"].iloc[0])
        z = robust_z(past, x)
        rows.append((team, measure, x, float(past.median()), z, abs(z) > ROBUST_Z_FLAG))
    return pd.DataFrame(rows, columns=["team", "measure", "latest", "usual", "robust_z", "unusual"])


# ---------------------------------------------------------------------------------------------
# Comments: tone and themes
# ---------------------------------------------------------------------------------------------


def theme_lexicon(path=None) -> dict[str, list[str]]:
    """Themes and their keywords from smbkit's editable CSV (or your copy at ``path``)."""
    t = pd.read_csv(path or _THEMES, dtype=str, keep_default_na=False)
    if not {"theme", "keywords"} <= set(t.columns):
        raise ValueError(f"the theme list {path} needs the columns theme and keywords (keywords separated by ;)")
    return {r.theme: [k.strip().lower() for k in r.keywords.split(";") if k.strip()] for r in t.itertuples()}


def _theme_patterns(lexicon: dict) -> dict:
    # a keyword matches at the start of a word, so "rota" finds "rotas" and "thank" finds "thanks"
    return {t: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")", re.IGNORECASE) for t, keys in lexicon.items()}


def comment_sentiment(company: Company, *, lexicon: dict | None = None) -> pd.DataFrame:
    """Every non-empty comment with its VADER compound score (-1 to 1), tone and themes (internal: not shown as is).

    Returns
    -------
    DataFrame
        Columns: ``wave``, ``team``, ``comment``, ``compound``, ``tone`` (positive, neutral, negative), one bool
        column per theme.
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    r = scored_responses(company)
    if "comment" not in r:
        return pd.DataFrame(columns=["wave", "team", "comment", "compound", "tone"])
    c = r.loc[r["comment"].notna() & (r["comment"].astype(str).str.strip() != ""), ["wave", "team", "comment"]].reset_index(drop=True)
    analyzer = SentimentIntensityAnalyzer()
    # each distinct text scored once (short answers such as "Nothing to add" repeat across people and waves)
    scores = {t: analyzer.polarity_scores(t)["compound"] for t in c["comment"].unique()}
    c["compound"] = c["comment"].map(scores).astype(float)
    c["tone"] = np.select([c["compound"] >= TONE_CUT, c["compound"] <= -TONE_CUT], ["positive", "negative"], "neutral")
    for theme, pattern in _theme_patterns(lexicon or theme_lexicon()).items():
        c[theme] = c["comment"].str.contains(pattern)
    return c


def tone_by_wave(company: Company, sentiment: pd.DataFrame) -> pd.DataFrame:
    """Share of positive and negative comments per wave; waves with fewer commenters than min_group_size hidden.

    Returns
    -------
    DataFrame
        Columns: ``wave``, ``comments``, ``positive_pct``, ``negative_pct``, ``mean_compound``, ``hidden``.
    """
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    g = sentiment.groupby("wave").agg(comments=("compound", "size"), positive_pct=("tone", lambda t: 100 * (t == "positive").mean()),
                                      negative_pct=("tone", lambda t: 100 * (t == "negative").mean()),
                                      mean_compound=("compound", "mean")).reset_index()
    return privacy.hide_small(g, count="comments", columns=["comments", "positive_pct", "negative_pct", "mean_compound"],
                              min_size=min_size)


def comment_themes(company: Company, sentiment: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """How often each theme comes up and how positive it sounds, per wave (and per team with ``by="team"``).

    Comments are the population here: a group (wave, or wave and team) is hidden when it has fewer
    than min_group_size comments, or fewer respondents; across the teams of a wave, as many more are
    hidden as it takes for the hidden comments to add up to none or to min_group_size (the wave's
    total is shown). Every team that answered the wave is listed, with or without comments, so that a
    missing row never says that a team wrote nothing. A theme's tone is hidden when fewer than
    min_group_size comments mention it.

    Returns
    -------
    DataFrame
        Columns: ``wave``, [``team``,] ``theme``, ``respondents``, ``comments``, ``mentions``, ``share_pct`` (of
        comments), ``mean_compound``, ``hidden``.
    """
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    keys = ["wave"] + ([by] if by else [])
    cols = [*keys, "theme", "respondents", "comments", "mentions", "share_pct", "mean_compound", "hidden"]
    counts = scored_responses(company).groupby(keys).size().rename("respondents").reset_index()
    written = sentiment.groupby(keys).size().rename("comments").reset_index() if len(sentiment) else pd.DataFrame(columns=[*keys, "comments"])
    counts = counts.merge(written, on=keys, how="left").fillna({"comments": 0})
    few = (np.asarray(privacy.too_few(counts["comments"].to_numpy(dtype=float), min_size), dtype=bool)
           | np.asarray(privacy.too_few(counts["respondents"].to_numpy(dtype=float), min_size), dtype=bool))
    themes = [c for c in sentiment.columns if c not in ("wave", "team", "comment", "compound", "tone")]
    groups = {k if isinstance(k, tuple) else (k,): g for k, g in sentiment.groupby(keys)} if len(sentiment) else {}
    hidden = few.copy()
    if by:
        # the wave's mentions of each theme are shown, so the hidden teams' mentions add up to them less the shown
        # teams': the hidden teams widen until that leaves doubt about each (no theme mentioned by all or none)
        mentions = pd.DataFrame([[int(groups[k][t].sum()) if k in groups else 0 for t in themes]
                                 for k in counts[keys].itertuples(index=False, name=None)],
                                columns=[f"_m{i}" for i in range(len(themes))], index=counts.index)
        hidden = privacy.suppress(pd.concat([counts, mentions], axis=1), count="comments", by=keys, within=["wave"],
                                  min_size=min_size, force=few,
                                  amounts=tuple(privacy.Amount(c, cap="comments") for c in mentions.columns))["hidden"].to_numpy()
    counts["hidden"] = hidden
    rows = []
    for c in counts.itertuples(index=False):
        key = tuple(getattr(c, k) for k in keys)
        g = groups.get(key)
        for t in themes:
            hit = g[g[t]] if g is not None else sentiment.iloc[0:0]
            tone = np.nan if privacy.too_few(len(hit), min_size) else hit["compound"].mean()
            share = 100 * len(hit) / c.comments if c.comments else np.nan
            rows.append((*key, t, c.respondents, c.comments, len(hit), share, tone, c.hidden))
    out = pd.DataFrame(rows, columns=cols)
    out.loc[out["hidden"], ["respondents", "comments", "mentions", "share_pct", "mean_compound"]] = np.nan
    return out


def latest_wave(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a per-wave table (`comment_themes`, `tone_by_wave`) for its latest wave."""
    return table[table["wave"] == table["wave"].max()].reset_index(drop=True)


def theme_examples(company: Company, sentiment: pd.DataFrame, *, per_theme: int = 1, seed: int = 0) -> pd.DataFrame:
    """One example comment per theme from the last year's waves, only for themes at least min_group_size comments mention.

    Only waves whose themes `comment_themes` shows count: a wave it hides cannot be had by subtraction.

    No team or demographic is attached; employee names are replaced with ``[name]``.

    Returns
    -------
    DataFrame
        Columns: ``theme``, ``mentions``, ``tone``, ``comment``.
    """
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    if sentiment.empty:
        return pd.DataFrame(columns=["theme", "mentions", "tone", "comment"])
    waves = comment_themes(company, sentiment)
    shown = set(waves.loc[~waves["hidden"], "wave"])  # a count pooling waves pools only the waves shown
    latest = sentiment[(sentiment["wave"] > sentiment["wave"].max() - pd.DateOffset(years=1)) & sentiment["wave"].isin(shown)]
    themes = [c for c in sentiment.columns if c not in ("wave", "team", "comment", "compound", "tone")]
    names = privacy.employee_name_words(company.employees)
    rows = []
    for t in themes:
        hit = latest[latest[t]]
        if privacy.too_few(len(hit), min_size):
            continue
        for c in hit.sample(n=min(per_theme, len(hit)), random_state=seed).itertuples():
            rows.append((t, len(hit), c.tone, privacy.scrub_names(c.comment, names)))
    return pd.DataFrame(rows, columns=["theme", "mentions", "tone", "comment"]).astype({"comment": "str"})


# ---------------------------------------------------------------------------------------------
# Collaboration network
# ---------------------------------------------------------------------------------------------


def collaboration_graph(company: Company):
    """Undirected networkx graph of today's people; edge weight = interactions summed over all periods."""
    import networkx as nx

    cur = current_employees(company)
    G = nx.Graph()
    for r in cur.itertuples():
        G.add_node(r.employee_id, team=r.team, work_mode=getattr(r, "work_mode", None) or "unknown")
    i = company.interactions
    i = i[i["source_id"].isin(G.nodes) & i["target_id"].isin(G.nodes)]
    pair = pd.DataFrame({"a": np.minimum(i["source_id"], i["target_id"]), "b": np.maximum(i["source_id"], i["target_id"]),
                         "w": i["weight"]}).groupby(["a", "b"], as_index=False)["w"].sum()
    G.add_weighted_edges_from(zip(pair["a"].tolist(), pair["b"].tolist(), pair["w"].astype(float).tolist()))
    return G


def _teams(G) -> dict:
    return dict(G.nodes(data="team"))


def find_communities(G, *, seed: int = 0) -> list:
    """Louvain modularity communities (networkx, fixed seed), largest first; made once, used by both tables."""
    import networkx as nx

    found = nx.community.louvain_communities(G, weight="weight", seed=seed) if G.number_of_edges() else []
    return sorted(found, key=len, reverse=True)


def communities(G, found: list | None = None, *, seed: int = 0) -> pd.DataFrame:
    """Communities by Louvain modularity (networkx, fixed seed), with how many teams each mixes.

    Returns
    -------
    DataFrame
        Columns: ``community``, ``people``, ``teams``, ``main_team_pct`` (share from its largest team).
    """
    found = find_communities(G, seed=seed) if found is None else found
    rows = []
    for k, members in enumerate(found):
        teams = pd.Series([G.nodes[n]["team"] for n in members])
        rows.append((f"community {k + 1}", len(members), teams.nunique(), 100 * teams.value_counts().iloc[0] / len(members)))
    return pd.DataFrame(rows, columns=["community", "people", "teams", "main_team_pct"])


def network_summary(G, found: list | None = None, *, seed: int = 0) -> pd.DataFrame:
    """Whole-network figures: people, ties, density, isolated people (counts, never names), communities, cross-team ties.

    Returns
    -------
    DataFrame
        Columns: ``measure``, ``value``.
    """
    import networkx as nx

    n, m = G.number_of_nodes(), G.number_of_edges()
    deg = dict(G.degree())
    team = _teams(G)
    cross = sum(1 for a, b in G.edges if team[a] != team[b])
    found = find_communities(G, seed=seed) if found is None else found
    return pd.DataFrame([
        ("people", n), ("ties", m), ("density (share of possible ties)", nx.density(G) if n > 1 else 0.0),
        ("people with no ties", sum(1 for v in deg.values() if v == 0)),
        ("people with one tie", sum(1 for v in deg.values() if v == 1)),
        ("communities", len(found)),
        ("modularity", nx.community.modularity(G, found, weight="weight") if found else float("nan")),
        ("ties across teams (%)", 100 * cross / m if m else float("nan"))], columns=["measure", "value"])


def team_ties(G) -> pd.DataFrame:
    """Tie density within and between teams: ties / possible pairs.

    Returns
    -------
    DataFrame
        Columns: ``team_a``, ``team_b``, ``ties``, ``possible``, ``density``.
    """
    from collections import Counter

    team = _teams(G)
    size = pd.Series(team).value_counts()
    counts = Counter((ta, tb) if ta <= tb else (tb, ta) for ta, tb in ((team[a], team[b]) for a, b in G.edges))
    names = sorted(size.index)
    rows = []
    for i, ta in enumerate(names):
        for tb in names[i:]:
            possible = size[ta] * (size[ta] - 1) / 2 if ta == tb else size[ta] * size[tb]
            ties = counts.get((ta, tb), 0)
            rows.append((ta, tb, ties, int(possible), ties / possible if possible else np.nan))
    return pd.DataFrame(rows, columns=["team_a", "team_b", "ties", "possible", "density"])


CLOSENESS_SAMPLE = 200  # closeness is averaged over a seeded sample of people in larger networks


def closeness(G, nodes) -> dict:
    """Closeness centrality of ``nodes`` with distance = 1 / weight (a strong tie is a short path).

    Same definition as networkx's closeness_centrality with wf_improved (Wasserman & Faust): with r
    people reachable and D the sum of distances to them, (r / D) x (r / (n - 1)); 0 with no ties.
    Shortest paths by scipy's compiled Dijkstra, from ``nodes`` only.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    order = list(G.nodes)
    pos = {v: i for i, v in enumerate(order)}
    n = len(order)
    if n < 2 or not nodes:
        return {v: 0.0 for v in nodes}
    edges = [(pos[a], pos[b], w) for a, b, w in G.edges(data="weight")]
    rows, cols, weights = (np.array(x, dtype=float) for x in zip(*edges)) if edges else (np.empty(0),) * 3
    # each tie stored once (dijkstra with directed=False reads it both ways); distance = 1 / weight
    graph = csr_matrix((1.0 / weights, (rows.astype(int), cols.astype(int))), shape=(n, n))
    D = dijkstra(graph, directed=False, indices=[pos[v] for v in nodes])
    out = {}
    for v, d in zip(nodes, D):
        reach = d[np.isfinite(d) & (d > 0)]
        r = len(reach)
        out[v] = (r / reach.sum()) * (r / (n - 1)) if r else 0.0
    return out


def work_mode_connectedness(G, min_size: int, *, seed: int = 0) -> pd.DataFrame:
    """How connected people are by work mode: ties, tie strength, closeness, people with no ties.

    Closeness (`closeness`) uses distance = 1 / weight (a strong tie is a short path); in networks
    of more than `CLOSENESS_SAMPLE` people it is averaged over a seeded sample of that many. Work
    modes with fewer than ``min_size`` people are hidden, with complementary suppression.

    Returns
    -------
    DataFrame
        Columns: ``work_mode``, ``people``, ``mean_ties``, ``mean_strength``, ``mean_closeness``, ``no_ties``, ``hidden``.
    """
    people = list(G.nodes)
    sample = people if len(people) <= CLOSENESS_SAMPLE else list(
        np.asarray(people, dtype=object)[np.random.default_rng(seed).choice(len(people), CLOSENESS_SAMPLE, replace=False)])
    close = closeness(G, sample)
    t = pd.DataFrame({"work_mode": [d["work_mode"] for _, d in G.nodes(data=True)], "ties": [G.degree(n) for n in G.nodes],
                      "strength": [G.degree(n, weight="weight") for n in G.nodes], "closeness": [close.get(n, np.nan) for n in G.nodes]})
    g = t.groupby("work_mode").agg(people=("ties", "size"), mean_ties=("ties", "mean"), mean_strength=("strength", "mean"),
                                   mean_closeness=("closeness", "mean"), no_ties=("ties", lambda x: int((x == 0).sum()))).reset_index()
    return privacy.suppress(g, count="people", by=["work_mode"], min_size=privacy.check_min_group_size(min_size))


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


def profiles_takeaway(profiles: pd.DataFrame) -> str:
    """Sentence for `belonging_profiles`."""
    if profiles.empty:
        return "Too few answers in the latest wave to form profiles that keep people anonymous."
    low = profiles.iloc[-1]
    return (f"The latest wave splits into {len(profiles)} profiles of at least the minimum group size. The least at home is "
            f"{low['profile']}: {count(low['people'], 'person')} ({low['share_pct']:.0f}%), {low['description']}. "
            f"Silhouette {profiles['silhouette'].iloc[0]:.2f} (above 0.5 clear groups, under 0.25 weak ones).")


def anomalies_takeaway(anomalies: pd.DataFrame, evidence: pd.DataFrame | None = None) -> str:
    """Sentence for `team_anomalies`: a team is named only when the evidence rule finds its fall against its own history clear."""
    if anomalies.empty:
        return "No team has enough shown waves to judge what is unusual for it."
    odd = anomalies[anomalies["unusual"]]
    if odd.empty:
        return f"No shown team's latest wave is unusual against its own history ({anomalies['team'].nunique()} teams checked)."
    clear = set() if evidence is None else set(evidence.loc[(evidence["family"] == "team_history") & evidence["clear"], "subject"])
    named = odd[odd["team"].isin(clear)]
    if named.empty:
        return (f"{odd['team'].nunique()} {'team has' if odd['team'].nunique() == 1 else 'teams have'} a latest score outside "
                "their usual range on some measure (see the table), but with this few answers the data cannot yet tell that "
                "from chance, so no team is singled out.")
    parts = [f"{r.team} on {r.measure.replace('_', ' ')} ({r.latest:.0f} against a usual {r.usual:.0f})" for r in named.itertuples()]
    return "Lower than their own history, more than chance would explain: " + "; ".join(parts) + "."


def themes_takeaway(themes: pd.DataFrame, tone: pd.DataFrame) -> str:
    """Sentence for `comment_themes` (by wave) and `tone_by_wave`."""
    shown = latest_wave(themes)
    shown = shown[~shown["hidden"]]
    if shown.empty:
        return "Too few people commented in the latest wave to summarise their comments."
    top = shown.sort_values("mentions", ascending=False).head(3)
    last = tone[~tone["hidden"]].iloc[-1] if (~tone["hidden"]).any() else None
    text = "Most talked about in the latest wave: " + ", ".join(f"{r.theme} ({r.share_pct:.0f}% of comments)" for r in top.itertuples())
    sour = shown.dropna(subset=["mean_compound"]).sort_values("mean_compound").head(1)
    if len(sour) and sour["mean_compound"].iloc[0] < 0:
        text += f"; the most negative theme is {sour['theme'].iloc[0]}"
    if last is not None:
        text += f". Overall {last['positive_pct']:.0f}% of comments sound positive and {last['negative_pct']:.0f}% negative"
    return text + "."


def network_takeaway(summary: pd.DataFrame, modes: pd.DataFrame) -> str:
    """Sentence for the collaboration network."""
    v = dict(zip(summary["measure"], summary["value"]))
    text = (f"{count(v['people'], 'person')} share {count(v['ties'], 'working tie')}; {v['ties across teams (%)']:.0f}% of ties cross teams. "
            f"People with no recorded ties: {int(v['people with no ties'])}; with only one: {int(v['people with one tie'])}. "
            "Check that nobody is cut off.")
    shown = modes[~modes["hidden"]]
    if len(shown) >= 2:
        lo = shown.sort_values("mean_ties").iloc[0]
        hi = shown.sort_values("mean_ties").iloc[-1]
        text += f" {hi['work_mode'].capitalize()} people average {hi['mean_ties']:.1f} ties against {lo['mean_ties']:.1f} for {lo['work_mode']}."
    hidden = int(modes["hidden"].sum())
    if hidden:
        text += f" {hidden} work mode{'s are' if hidden > 1 else ' is'} hidden: too few people."
    return text
