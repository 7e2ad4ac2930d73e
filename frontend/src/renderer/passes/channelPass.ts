/** One channel's values over the grid (code times scale): the single-channel view. */
import type { Pass, PassInput } from "../pass";
import source from "../shaders/channel.frag.glsl?raw";
import { CodePrograms } from "./codePrograms";

export class ChannelPass implements Pass {
  static readonly passName = "channel";
  private readonly programs: CodePrograms;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new CodePrograms(gl, "channel", source);
  }

  run({ layer, channel: wanted }: PassInput): void {
    const gl = this.gl;
    const channel = Math.min(Math.max(wanted, 0), layer.file.header.channels - 1);
    const group = channel >> 2;
    const slice = Math.floor(group / layer.layout.groupsPerTexel);
    const chunk = Math.max(
      0,
      layer.chunks.findIndex((candidate) => slice < candidate.first + candidate.slices),
    );
    layer.values.bind();
    const program = this.programs.use(layer.layout);
    program.texture("u_codes", 0, gl.TEXTURE_2D_ARRAY, layer.array(chunk));
    program.texture("u_scales", 1, gl.TEXTURE_2D, layer.scales);
    gl.uniform1i(program.uniform("u_slice"), slice - (layer.chunks[chunk]?.first ?? 0));
    gl.uniform1i(program.uniform("u_group"), group % layer.layout.groupsPerTexel);
    gl.uniform1i(program.uniform("u_component"), channel & 3);
    gl.uniform1i(program.uniform("u_lastColumn"), layer.file.header.width - 1);
    program.drawFullscreen();
  }

  dispose(): void {
    this.programs.dispose();
  }
}
