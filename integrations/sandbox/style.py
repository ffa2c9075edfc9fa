"""The sandbox's one stylesheet, inlined in every page (no build step, no extra request)."""

CSS = """
:root {
  --ink: #1d2330; --muted: #5b6475; --line: #dde1e8; --page: #f4f5f8; --paper: #fff;
  --accent: #2f6f5e; --accent-ink: #fff; --danger: #b3261e; --soft: #e8f1ee;
  --flash: #fff4d6; --flash-line: #e7c770;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--page); line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
header.top {
  display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center;
  padding: .6rem 1.25rem; background: var(--ink); color: #fff;
}
header.top a.brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 1.05rem; }
header.top form { display: flex; gap: .4rem; align-items: center; margin: 0; }
header.top label { font-size: .85rem; color: #c9cfdb; }
header.top select { padding: .25rem .4rem; border-radius: 6px; border: 0; }
header.top .spacer { flex: 1; }
header.top .button { background: #3a4356; color: #fff; border-color: #3a4356; }
header.top .button[aria-pressed="true"] { background: #fff; color: var(--ink); }
main { max-width: 72rem; margin: 0 auto; padding: 1.25rem; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 20rem; gap: 1.25rem; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
h3 { font-size: 1.05rem; margin: 0 0 .5rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
.panel, .card, .form {
  background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 1rem 1.1rem; margin-bottom: 1rem;
}
.message { display: grid; grid-template-columns: 2.2rem minmax(0, 1fr); gap: .6rem; }
.avatar {
  width: 2.2rem; height: 2.2rem; border-radius: 8px; background: var(--accent);
  color: #fff; display: grid; place-items: center; font-weight: 700;
}
.message .card { margin-bottom: 0; }
.sender { font-weight: 600; margin-bottom: .25rem; }
.sender time { color: var(--muted); font-weight: 400; font-size: .85rem; margin-left: .4rem; }
.card p { margin: .35rem 0; }
.card hr { border: 0; border-top: 1px solid var(--line); margin: .75rem 0; }
.context { color: var(--muted); font-size: .9rem; }
.fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
  gap: .5rem 1rem; margin: .5rem 0; }
.fields dt { font-size: .8rem; color: var(--muted); text-transform: uppercase;
  letter-spacing: .03em; }
.fields dd { margin: 0; font-weight: 500; }
.mention { background: var(--soft); color: var(--accent); border-radius: 4px;
  padding: 0 .25rem; font-weight: 600; }
.buttons { display: flex; flex-wrap: wrap; gap: .4rem; margin: .6rem 0 .2rem; }
form.inline { display: inline; margin: 0; }
.button {
  font: inherit; font-size: .9rem; padding: .4rem .8rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--line); background: #fff; color: var(--ink);
}
a.button { text-decoration: none; display: inline-block; }
.refusal p { margin: 0; }
.button:hover { border-color: var(--muted); }
.button-primary {
  background: var(--accent); border-color: var(--accent); color: var(--accent-ink);
}
.button-danger { color: var(--danger); border-color: #e6b3b0; }
.thread { border-left: 3px solid var(--line); margin-left: 1rem; padding-left: 1rem; }
.thread .card { padding: .6rem .8rem; margin-bottom: .5rem; }
.reply { position: relative; }
.reply > time { position: absolute; right: .8rem; top: .6rem; color: var(--muted);
  font-size: .8rem; }
.reply .card > :first-child { padding-right: 9rem; }
.thread h2 { color: var(--muted); font-size: .95rem; }
.flash { background: var(--flash); border: 1px solid var(--flash-line); border-radius: 8px;
  padding: .6rem .9rem; margin-bottom: 1rem; }
.flash .card { background: transparent; border: 0; padding: 0; margin: 0; }
.refusal { border-color: var(--danger); }
.input { display: block; margin: .7rem 0; border: 0; padding: 0; }
.input label, .input legend, .input .label { display: block; font-weight: 600;
  margin-bottom: .25rem; }
.input input[type=text], .input textarea, .input select,
.input input[type=date], .input input[type=datetime-local] {
  width: 100%; font: inherit; padding: .45rem .55rem; border: 1px solid var(--line);
  border-radius: 6px; background: #fff;
}
.input textarea { resize: vertical; }
.choice { display: inline-flex; gap: .3rem; align-items: center; font-weight: 400;
  margin: 0 1rem .3rem 0; }
.input label.choice { display: inline-flex; font-weight: 400; margin-bottom: .3rem; }
.hint { color: var(--muted); font-size: .85rem; margin: .25rem 0 0; }
.required { color: var(--danger); }
aside ul { list-style: none; padding: 0; margin: 0; }
aside li { padding: .25rem 0; border-bottom: 1px solid var(--line); }
aside li:last-child { border-bottom: 0; }
.role { color: var(--muted); font-size: .85rem; }
.private .card { border-left: 3px solid var(--accent); padding: 1.4rem .7rem .5rem;
  margin-bottom: .5rem; }
.private .reply > time { top: .3rem; }
.private .reply .card > :first-child { padding-right: 0; }
.empty { color: var(--muted); font-style: italic; }
code.channel { background: var(--page); padding: .1rem .35rem; border-radius: 4px; }
.command input[type=text] { flex: 1; font: inherit; padding: .4rem .55rem;
  border: 1px solid var(--line); border-radius: 6px; }
.command label { font-weight: 600; }
footer { color: var(--muted); font-size: .85rem; text-align: center; padding: 1rem; }
"""
