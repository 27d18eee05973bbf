/** Placeholder until the demo generator lands. */
import type { Context } from "../context.js";

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
  organisation: string;
}

export async function loadDemo(_ctx: Context, _options: { seed: number }): Promise<DemoLogin[]> {
  throw new Error("the demo generator is not written yet");
}
