// Device buffers of one run, freed together at its end.
import * as native from "scoremod-native";
import { allocOrRefuse } from "./gpuSample";

export class Buffers {
  private readonly ptrs: bigint[] = [];
  /** `pad` extra bytes (a misaligned view for fault injection); `what` names it if memory runs out. */
  alloc(bytes: number, pad = 0, what = "a run buffer", tensor?: string): bigint {
    const p = allocOrRefuse(bytes + pad, what, tensor);
    this.ptrs.push(p);
    return p;
  }
  freeAll(): void {
    for (const p of this.ptrs.splice(0)) {
      try { native.free(p); } catch { /* a faulted context cannot free; the process is replaced */ }
    }
  }
}
