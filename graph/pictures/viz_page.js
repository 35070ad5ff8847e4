// kg viz: captions under the nodes (whole words), the centre marked, the results overview by label,
// and "+N more" nodes that unfold when clicked. Runs before neo4j-viz's module script; see graph/pictures/viz.py.
(function () {
  'use strict';
  var block = document.getElementById('neo4j-viz-data');
  var extraBlock = document.getElementById('kg-viz-extra');
  if (!block || !extraBlock) return;
  var extra = JSON.parse(extraBlock.textContent);
  var folds = extra.folds || {};
  var captions = {};   // node id -> its caption (the renderer is given none: it would break words)
  var waiting = [];    // relationships of unfolded nodes whose other end is still folded
  var model = null;    // the graph data the renderer reads (neo4j-viz's model keeps it as is)
  var chosen;          // the selection, never naming a node that is gone

  // Take the data block as the renderer parses it; JSON.parse is ours for that one call only.
  var parse = JSON.parse;
  JSON.parse = function (text, reviver) {
    var out = parse.call(JSON, text, reviver);
    if (text === block.textContent) {
      JSON.parse = parse;
      take(out);
    }
    return out;
  };

  function takeNode(n) {
    captions[n.id] = n.caption || '';
    delete n.caption;  // the results overview then counts the node's labels, not its caption
  }

  function takeRelationship(r) {
    r.captions = r.caption ? [{value: r.caption}] : [];
    delete r.caption;  // ... and the relationship's type (in its properties), not its caption
  }

  function take(data) {
    model = data;
    (data.nodes || []).forEach(takeNode);
    (data.relationships || []).forEach(takeRelationship);
    var event = data.last_event;
    chosen = data.selected;
    Object.defineProperty(data, 'last_event', {
      configurable: true, enumerable: true,
      get: function () { return event; },
      set: function (value) {
        event = value;
        if (value && value.type === 'node_click' && folds[value.id]) unfold(value.id);
      }
    });
    Object.defineProperty(data, 'selected', {
      configurable: true, enumerable: true,
      get: function () { return chosen; },
      set: function (value) { chosen = present(value); }
    });
    requestAnimationFrame(draw);
  }

  function present(selection) {
    if (!selection || !model) return selection;
    var ids = {};
    model.nodes.forEach(function (n) { ids[n.id] = true; });
    model.relationships.forEach(function (r) { ids[r.id] = true; });
    var nodeIds = (selection.nodeIds || []).filter(function (id) { return ids[id]; });
    var relIds = (selection.relationshipIds || []).filter(function (id) { return ids[id]; });
    if (nodeIds.length === (selection.nodeIds || []).length && relIds.length === (selection.relationshipIds || []).length) return selection;
    return {nodeIds: nodeIds, relationshipIds: relIds};
  }

  // A "+N more" node clicked: the nodes it stands for take its place (read on the next render,
  // which the click itself causes), with their relationships to every node now drawn.
  function unfold(id) {
    var fold = folds[id];
    delete folds[id];
    fold.nodes.forEach(takeNode);
    fold.relationships.forEach(takeRelationship);
    var nodes = model.nodes.filter(function (n) { return n.id !== id; }).concat(fold.nodes);
    var drawn = {}, known = {};
    nodes.forEach(function (n) { drawn[n.id] = true; });
    var rels = model.relationships.filter(function (r) { return r.from !== id && r.to !== id; });
    rels.forEach(function (r) { known[r.id] = true; });
    waiting = waiting.concat(fold.relationships).filter(function (r) {
      if (known[r.id]) return false;
      if (!drawn[r.from] || !drawn[r.to]) return true;
      known[r.id] = true;
      rels.push(r);
      return false;
    });
    model.nodes = nodes;
    model.relationships = rels;
    chosen = present(chosen);
    recount();
    setTimeout(function () {  // the unfolded nodes sit outside the picture: show the whole of it
      var fit = document.querySelector('[aria-label="Zoom to fit"]');
      if (fit) fit.click();
    }, 200);
  }

  function recount() {
    var more = {};
    Object.keys(folds).forEach(function (id) { more[id] = true; });
    var nodes = model.nodes.filter(function (n) { return !more[n.id]; }).length;
    var rels = model.relationships.filter(function (r) { return !more[r.from] && !more[r.to]; }).length;
    var counts = document.getElementById('kg-viz-counts');
    if (counts) {
      counts.textContent = 'Showing ' + nodes + ' of ' + extra.nodes + ' nodes and ' + rels + ' of ' +
        extra.relationships + ' relationships';
    }
  }

  // Every frame: where the renderer draws each node (its zoom and pan applied), and a caption under it.
  var CAPTION_PX = 12, SMALLEST_CAPTION_PX = 7, HIDE_BELOW_ZOOM = 0.15;
  var layer = null, shown = {}, ring = null, last = '';
  function draw() {
    requestAnimationFrame(draw);
    var dump = window.__Nvl_dumpNodes, zoomLevel = window.__Nvl_getZoomLevel;
    var canvas = document.querySelector('[data-neo4j-viz-ndl] canvas');
    if (!dump || !zoomLevel || !canvas || document.hidden) return;
    if (!layer || !layer.isConnected) {
      layer = document.createElement('div');
      layer.id = 'kg-captions';
      canvas.parentElement.appendChild(layer);
      shown = {};
      ring = null;
      last = '';
    }
    var nodes = dump() || [];
    var scale = (zoomLevel() || 1) / (window.devicePixelRatio || 1);
    var write = Math.max(scale, SMALLEST_CAPTION_PX / CAPTION_PX);  // zoomed far out, a caption stays legible
    layer.style.display = scale < HIDE_BELOW_ZOOM ? 'none' : '';
    var state = scale.toFixed(5) + nodes.map(function (n) { return n.id + '@' + n.x.toFixed(1) + ',' + n.y.toFixed(1); }).join('|');
    if (state === last) return;
    last = state;
    var seen = {};
    nodes.forEach(function (n) {
      seen[n.id] = true;
      var el = shown[n.id] || (shown[n.id] = caption(n.id));
      var radius = (n.size || 25) * scale;
      el.style.left = n.x + 'px';
      el.style.top = (n.y + radius + (n.id === extra.focus ? 7 : 2) * scale) + 'px';
      el.style.transform = 'translateX(-50%) scale(' + write + ')';
      if (n.id === extra.focus) {
        ring = ring || layer.appendChild(Object.assign(document.createElement('div'), {className: 'kg-focus'}));
        var side = 2 * radius + 10 * scale;
        Object.assign(ring.style, {left: (n.x - side / 2) + 'px', top: (n.y - side / 2) + 'px', width: side + 'px', height: side + 'px'});
      }
    });
    Object.keys(shown).forEach(function (id) {
      if (!seen[id]) { shown[id].remove(); delete shown[id]; }
    });
  }

  function caption(id) {
    var el = document.createElement('div');
    el.className = 'kg-caption' + (id === extra.focus ? ' kg-caption-focus' : '');
    el.dataset.id = id;
    (captions[id] || '').split(' ').forEach(function (word, i) {
      if (i) el.appendChild(document.createTextNode(' '));
      el.appendChild(document.createElement('span')).textContent = word;  // a word never breaks
    });
    return layer.appendChild(el);
  }
})();
