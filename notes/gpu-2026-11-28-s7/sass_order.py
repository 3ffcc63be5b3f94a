"""Order of the main loop's wgmma waits and exponentials in a cuobjdump -sass listing: prints each
WARPGROUP.DEPBAR and BAR, and runs of MUFU.EX2 between them (the P V wait should follow the
tile's exponentials: softmax of tile j overlaps P_{j-1} V_{j-1})."""
import re
import sys

for f in sys.argv[1:]:
    out, run = [], 0
    for line in open(f):
        m = re.search(r"/\*([0-9a-f]{4,})\*/\s+(.*?);", line)
        if not m:
            continue
        ins = m.group(2).strip()
        if "MUFU.EX2" in ins:
            run += 1
            continue
        if re.search(r"WARPGROUP\.DEPBAR|BAR\.SYNC|BAR\.ARV", ins):
            if run:
                out.append("  %d x MUFU.EX2" % run)
                run = 0
            out.append("%s %s" % (m.group(1), ins))
    if run:
        out.append("  %d x MUFU.EX2" % run)
    print("== " + f)
    print("\n".join(out))
