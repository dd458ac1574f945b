/* evalkit HTML report: sortable tables and the what-if panel. No network, no dependencies. */
(function () {
  "use strict";

  function sortValue(td) {
    var v = td.getAttribute("data-v");
    if (v === null) { return { n: false, v: td.textContent.trim() }; }
    return v === "" ? { n: true, v: NaN } : { n: true, v: parseFloat(v) };
  }

  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) { ths[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (ra, rb) {
      var a = sortValue(ra.cells[col]), b = sortValue(rb.cells[col]);
      if (a.n && b.n) {
        if (isNaN(a.v)) { return isNaN(b.v) ? 0 : 1; }
        if (isNaN(b.v)) { return -1; }
        return (a.v - b.v) * dir;
      }
      return String(a.v).localeCompare(String(b.v), document.documentElement.lang) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function wireSorting(root) {
    root.querySelectorAll("table.sortable").forEach(function (table) {
      if (!table.tHead || table.tBodies.length !== 1) { return; }
      var ths = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(ths, function (th, col) {
        var b = th.querySelector("button.sort");
        if (b) { b.addEventListener("click", function () { sortTable(table, col, th); }); }
      });
    });
  }

  /* ---- what-if: the evalkit aggregation, levels and ranks (see evalkit.report.whatif) ---- */

  function normalised(v) {
    var s = v.reduce(function (a, b) { return a + b; }, 0);
    return v.map(function (x) { return s > 0 ? x / s : 0; });
  }

  function alphaWeights(d, alpha) {
    var A = d.alpha, local = Object.assign({}, d.local), nodes = d.tree.nodes;
    if (A.level === "node") {
      nodes.forEach(function (n) {
        if (!n.children.length) { return; }
        var a = normalised(n.children.map(function (c) { return A.ahp[c]; }));
        var b = normalised(n.children.map(function (c) { return A.objective[c]; }));
        var w = normalised(a.map(function (x, i) { return alpha * x + (1 - alpha) * b[i]; }));
        n.children.forEach(function (c, i) { local[c] = w[i]; });
      });
      return local;
    }
    var leaves = d.tree.leaves;
    var a = normalised(leaves.map(function (c) { return A.ahp[c]; }));
    var b = normalised(leaves.map(function (c) { return A.objective[c]; }));
    var w = normalised(a.map(function (x, i) { return alpha * x + (1 - alpha) * b[i]; }));
    var total = {};
    leaves.forEach(function (c, i) { total[c] = w[i]; });
    for (var k = nodes.length - 1; k >= 0; k--) {
      var n = nodes[k];
      if (n.children.length) {
        total[n.id] = n.children.reduce(function (s, c) { return s + total[c]; }, 0);
      }
    }
    nodes.forEach(function (n) {
      n.children.forEach(function (c) {
        local[c] = total[n.id] > 0 ? total[c] / total[n.id] : 1 / n.children.length;
      });
    });
    return local;
  }

  function aggregate(d, row, local) {
    var v = {}, geo = d.method === "geometric";
    d.tree.leaves.forEach(function (id, i) { v[id] = row[i] === null ? NaN : row[i]; });
    for (var k = d.tree.nodes.length - 1; k >= 0; k--) {
      var n = d.tree.nodes[k];
      if (!n.children.length) { continue; }
      var num = 0, den = 0;
      n.children.forEach(function (c) {
        if (isNaN(v[c])) { return; }
        num += local[c] * (geo ? Math.log(Math.max(v[c], 1)) : v[c]);
        den += local[c];
      });
      var m = den > 0 ? num / den : NaN;
      v[n.id] = geo && den > 0 ? Math.exp(m) : m;
    }
    return v;
  }

  function cut(cutoffs, s) {
    if (isNaN(s)) { return NaN; }
    var k = 0;
    while (k < cutoffs.length && cutoffs[k] <= s) { k++; }
    return Math.min(Math.max(k, 1), cutoffs.length);
  }

  function level(d, v) {
    var t = d.tree, byTotal = cut(t.cutoffs, v[t.goal]);
    if (t.rule !== "staged") { return byTotal; }
    var low = Infinity;
    t.dimensions.forEach(function (dim) { if (!isNaN(v[dim.id]) && v[dim.id] < low) { low = v[dim.id]; } });
    if (low === Infinity) { return byTotal; }
    var cap = cut(t.cutoffs, low) + 1;
    return isNaN(byTotal) ? cap : Math.min(byTotal, cap);
  }

  function ranks(values, groups) {
    return values.map(function (x, i) {
      if (isNaN(x)) { return NaN; }
      var r = 1;
      values.forEach(function (y, j) {
        if (!isNaN(y) && y > x && (!groups || groups[j] === groups[i])) { r++; }
      });
      return r;
    });
  }

  function score(d, rows, local) {
    return rows.map(function (row) {
      var v = aggregate(d, row, local);
      return { total: v[d.tree.goal], level: level(d, v) };
    });
  }

  function fmt(x, dec) {
    if (isNaN(x)) { return "\u2014"; }
    var f = Math.pow(10, dec), r = Math.round(Math.abs(x) * f + 1e-9) / f;
    return (x < 0 && r > 0 ? "-" : "") + r.toFixed(dec);
  }

  function setCell(td, text, v) {
    td.textContent = text;
    td.setAttribute("data-v", isNaN(v) ? "" : String(v));
  }

  function fill(table, results, rank, before, levelNames) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      var i = parseInt(tr.getAttribute("data-i"), 10), r = results[i], c = tr.cells;
      setCell(c[1], fmt(r.total, 1), r.total);
      setCell(c[2], isNaN(r.level) ? "\u2014" : levelNames[r.level - 1], r.level);
      setCell(c[3], isNaN(rank[i]) ? "" : String(rank[i]), rank[i]);
      var moved = before[i] - rank[i];
      setCell(c[4], isNaN(moved) || moved === 0 ? "0" : (moved > 0 ? "+" : "") + moved, moved);
      c[4].className = "num" + (moved > 0 ? " up" : moved < 0 ? " down" : "");
    });
  }

  function wireWhatIf() {
    var el = document.getElementById("evalkit-whatif");
    var panel = document.getElementById("whatif-panel");
    if (!el || !panel) { return; }
    var d = JSON.parse(el.textContent);
    if (!d.exact) { return; }
    var dims = d.tree.dimensions.map(function (x) { return x.id; });
    var alphaInput = panel.querySelector("input[data-alpha]");
    var inputs = dims.map(function (id) { return panel.querySelector('input[data-dim="' + id + '"]'); });
    var raw = dims.map(function (id) { return d.local[id]; });
    var names = d.tree.level_names;
    var dTable = panel.querySelector("table[data-units=districts]");
    var sTable = panel.querySelector("table[data-units=stations]");
    var dBefore = d.districts.rank, sBefore = null;

    function stationRanks(res) {
      // a district's page: ranks within the district; the comparison: in the province
      return ranks(res.map(function (r) { return r.total; }), d.focus ? d.stations.district : null);
    }
    function recompute() {
      var alpha = alphaInput ? parseFloat(alphaInput.value) : null;
      var local = alphaInput && alpha !== d.alpha.value ? alphaWeights(d, alpha) : Object.assign({}, d.local);
      var w = normalised(raw);
      dims.forEach(function (id, i) { local[id] = w[i]; });
      dims.forEach(function (id, i) {
        var out = panel.querySelector('output[data-dim="' + id + '"]');
        if (out) { out.textContent = fmt(w[i], 3); }
      });
      if (alphaInput) { panel.querySelector("output[data-alpha]").textContent = fmt(alpha, 2); }
      var dr = score(d, d.districts.scores, local);
      fill(dTable, dr, ranks(dr.map(function (r) { return r.total; })), dBefore, names);
      if (sTable) {
        var sr = score(d, d.stations.scores, local);
        var rk = stationRanks(sr);
        if (!sBefore) { sBefore = rk; }
        fill(sTable, sr, rk, sBefore, names);
      }
    }
    inputs.forEach(function (inp, i) {
      if (!inp) { return; }
      inp.addEventListener("input", function () { raw[i] = parseFloat(inp.value); recompute(); });
    });
    if (alphaInput) {
      alphaInput.addEventListener("input", function () {
        var local = alphaWeights(d, parseFloat(alphaInput.value));
        raw = dims.map(function (id) { return local[id]; });
        inputs.forEach(function (inp, i) { if (inp) { inp.value = String(raw[i]); } });
        recompute();
      });
    }
    var reset = panel.querySelector("button[data-reset]");
    if (reset) {
      reset.addEventListener("click", function () {
        raw = dims.map(function (id) { return d.local[id]; });
        inputs.forEach(function (inp, i) { if (inp) { inp.value = String(raw[i]); } });
        if (alphaInput) { alphaInput.value = String(d.alpha.value); }
        recompute();
      });
    }
    var base = Object.assign({}, d.local);
    sBefore = stationRanks(score(d, d.stations.scores, base));
    recompute();
    panel.setAttribute("data-ready", "1");
  }

  wireSorting(document);
  wireWhatIf();
})();
