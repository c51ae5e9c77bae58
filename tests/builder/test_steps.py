"""The metadata-step table: one pure function per config-only instruction."""

from __future__ import annotations

import pytest

from simulator.builder.steps import CONFIG_UPDATES, ConfigUpdate, InvalidInstruction
from simulator.dockerfile import instructions as ins
from simulator.dockerfile.parser import parse_dockerfile
from simulator.model.image import ImageConfig


def _instr(line: str) -> ins.Instruction:
    return parse_dockerfile(f"FROM scratch\n{line}\n").stages[0].instructions[0]


def _apply(line: str, config: ImageConfig | None = None, cmd_set: bool = False) -> ConfigUpdate:
    instr = _instr(line)
    return CONFIG_UPDATES[type(instr)](config or ImageConfig(), instr, cmd_set)


def test_every_config_only_instruction_has_an_entry():
    needs_the_builder = {ins.From, ins.Arg, ins.Workdir, ins.Run, ins.Copy, ins.Add}
    kinds = {getattr(ins, cls.__name__) for cls in ins.Instruction.__subclasses__()}  # slots: the final class
    config_only = kinds - needs_the_builder
    assert set(CONFIG_UPDATES) == config_only


def test_an_update_returns_a_new_config_and_its_history_text():
    before = ImageConfig()
    update = _apply("USER app", before)
    assert update.config.user == "app" and before.user != "app"
    assert update.created_by == "USER app"


def test_cmd_is_remembered_for_a_later_entrypoint():
    cmd = _apply('CMD ["serve"]')
    assert cmd.sets_cmd and cmd.config.cmd == ("serve",)
    assert _apply('ENTRYPOINT ["app"]', cmd.config, cmd_set=True).config.cmd == ("serve",)
    assert _apply('ENTRYPOINT ["app"]', cmd.config, cmd_set=False).config.cmd is None


def test_shell_form_uses_the_configured_shell():
    update = _apply("CMD echo hi")
    assert update.config.cmd == ("/bin/sh", "-c", "echo hi")
    assert update.created_by == 'CMD ["/bin/sh" "-c" "echo hi"]'


def test_onbuild_records_no_history():
    assert _apply("ONBUILD RUN true").created_by is None


def test_an_invalid_port_is_refused_with_buildkits_words():
    with pytest.raises(InvalidInstruction, match="invalid containerPort: http"):
        _apply("EXPOSE http")
