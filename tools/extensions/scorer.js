/* Search ranking for the course (inlined into language_data.js by Sphinx).
 *
 * Sphinx's default scores, with two course rules on top:
 * - an article outranks a glossary entry or a generated listing page with the
 *   same match, because the article is what a student is looking for;
 * - among articles, one whose title is mostly the query ranks first
 *   ("Piaget" finds "Piaget's Stages..." before a comparison of three theorists).
 */
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score] = result;
    if (!docname.startsWith("articles/")) return score;
    const query = (new URLSearchParams(window.location.search).get("q") || "").toLowerCase().trim();
    const name = (title || "").toLowerCase();
    const coverage = query && name.includes(query) ? (10 * query.length) / name.length : 0;
    return score + 30 + coverage;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
