"""The --aux round trip, writer half: for each case of the GPU suite's ROUNDTRIP list, read the
runner's small-shape dump (cases/<label>.small: aux_<name>.bin + meta.json, the data the runner
generated) and write each aux tensor the way a user would, with numpy (.npy; one integer tensor
of rank >= 2 in Fortran order, so the runner must re-lay it out) and safetensors (.safetensors:
bf16/f16, which .npy cannot carry). `gpu-tests.js aux OUTDIR` then runs the same jobs on these
files and compares the output bit for bit with the run on generated data.

usage: python3 test/gpu/aux_roundtrip.py OUTDIR"""
import json
import os
import struct
import sys

import numpy as np

out_dir = sys.argv[1]
LABELS = ["spatial-bias", "graph-distance", "kv-bias+document"]
NP = {"f32": np.float32, "i32": np.int32, "u32": np.uint32, "u8": np.uint8, "i8": np.int8, "u16": np.uint16, "i64": np.int64, "bool": np.bool_}
ST = {"bf16": "BF16", "f16": "F16"}

try:
    from safetensors.numpy import save_file as st_save  # the real library when installed
    st_writer = "safetensors"
except ImportError:
    st_save = None
    st_writer = "safetensors format written by hand (the safetensors package is not installed)"


def save_safetensors(path, name, raw16, shape, dtype):
    if st_save is not None and dtype == "f16":
        st_save({name: raw16.view(np.float16).reshape(shape)}, path)
        return
    # bf16 has no numpy dtype: the format by hand (8-byte header length, JSON header, data).
    data = raw16.tobytes()
    header = json.dumps({name: {"dtype": ST[dtype], "shape": shape, "data_offsets": [0, len(data)]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


for label in LABELS:
    src = os.path.join(out_dir, "cases", label + ".small")
    dst = os.path.join(out_dir, "roundtrip", label)
    os.makedirs(dst, exist_ok=True)
    meta = json.load(open(os.path.join(src, "meta.json")))
    files, fortran_done = {}, False
    for a in meta["aux"]:
        raw = np.fromfile(os.path.join(src, "aux_%s.bin" % a["name"]), dtype=np.uint8)
        shape, strides, dt = a["shape"], a["strides"], a["dtype"]
        if dt in ST:
            elems = np.lib.stride_tricks.as_strided(raw.view(np.uint16), shape, [s * 2 for s in strides])
            path = os.path.join(dst, a["name"] + ".safetensors")
            save_safetensors(path, a["name"], np.ascontiguousarray(elems), shape, dt)
        else:
            item = np.dtype(NP[dt]).itemsize
            arr = np.lib.stride_tricks.as_strided(raw.view(NP[dt]), shape, [s * item for s in strides])
            arr = np.array(arr)  # a copy, C order
            if len(shape) >= 2 and not fortran_done:
                arr = np.asfortranarray(arr)
                fortran_done = True
            path = os.path.join(dst, a["name"] + ".npy")
            np.save(path, arr)
        files[a["name"]] = path
    writers = "numpy %s (.npy%s), %s" % (np.__version__, ", one in Fortran order" if fortran_done else "", st_writer)
    json.dump({"auxFiles": files, "writers": writers}, open(os.path.join(dst, "manifest.json"), "w"))
    print("aux round trip: wrote %s: %s" % (label, ", ".join(os.path.basename(p) for p in files.values())))
