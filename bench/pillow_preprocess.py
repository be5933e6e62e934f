"""The Pillow peer of bench/preprocess.bench.ts: CLIP preprocessing of the reference images with Debian's
python3-pil (+ python3-numpy), by its best known path, in one long-lived process driven over stdin/stdout so that
rounds alternate with the JS side.

Per image: Image.open + convert('RGB') (decode), resize to shortest edge 224 with BICUBIC, centre crop 224x224 (a
numpy view), then rescale + normalise through a per-channel float32 lookup table (the arithmetic of Hugging Face's
CLIPImageProcessor: float64 rescale cast to float32, then (x - mean) / std in float32) into a 3x224x224 array:
bit-identical to the reference fixtures. (Resizing only the crop with Pillow's `box` argument would be cheaper but
is not the same result: 0.015 off on chelsea.png and rocket.jpg, from rounding in the box's filter centres.)

Protocol: one JSON command per line: {"cmd": "round", "seconds": S} runs whole passes over the images for at least
S seconds and answers {"images": n, "cpu": seconds of process time, "wall": seconds}; {"cmd": "parity"} answers the
largest |difference| per image against tests/fixtures/clip-preprocess; {"cmd": "quit"} ends.
"""
import json
import os
import sys
import time

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
RESCALE = 0.00392156862745098
EDGE = 224
CROP = 224


def lut(ch):
    v = (np.arange(256, dtype=np.float64) * RESCALE).astype(np.float32)
    return ((v - np.float32(MEAN[ch])) / np.float32(STD[ch])).astype(np.float32)


LUTS = [lut(c) for c in range(3)]


def preprocess(path):
    im = Image.open(path).convert('RGB')
    w, h = im.size
    if w <= h:
        nw, nh = EDGE, int(EDGE * h / w)
    else:
        nw, nh = int(EDGE * w / h), EDGE
    top = (nh - CROP) // 2
    left = (nw - CROP) // 2
    crop = np.asarray(im.resize((nw, nh), Image.BICUBIC))[top:top + CROP, left:left + CROP]
    out = np.empty((3, CROP, CROP), dtype=np.float32)
    for c in range(3):
        out[c] = LUTS[c][crop[:, :, c]]
    return out


def main():
    images = [os.path.join(ROOT, 'assets', 'images', f) for f in sys.argv[1:]]
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd['cmd'] == 'round':
            done = 0
            c0, t0 = time.process_time(), time.perf_counter()
            while time.perf_counter() - t0 < cmd['seconds']:
                for p in images:
                    preprocess(p)
                done += len(images)
            answer = {'images': done, 'cpu': time.process_time() - c0, 'wall': time.perf_counter() - t0}
        elif cmd['cmd'] == 'parity':
            answer = {}
            for p in images:
                name = os.path.basename(p)
                ref = np.fromfile(os.path.join(ROOT, 'tests', 'fixtures', 'clip-preprocess', name + '.f32'), dtype='<f4')
                answer[name] = float(np.abs(preprocess(p).ravel() - ref).max())
        else:
            break
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
