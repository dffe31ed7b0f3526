"""The peer of Portique's template engine: Cheetah (Debian's python3-cheetah) with EOLE Creole's settings.

Renders the shipped per-container templates for the same 100 containers, compiled once, then rendered
`rounds` times; prints the mean milliseconds per round. Usage: cheetah_render.py DISTRIB_DIR ROUNDS
"""
import sys
import time

from Cheetah.Template import Template

# The compiler settings EOLE's creole uses: % directives, %% placeholders, comments disabled.
SETTINGS = {
    'directiveStartToken': '%',
    'cheetahVarStartToken': '%%',
    'EOLSlurpToken': '%',
    'commentStartToken': '#' * 10 + 'disabled',
    'multiLineCommentStartToken': '#' * 10 + 'disabledML',
}


class Row(str):
    """A master value whose slaves are attributes, as creole's master/slave lists behave."""

    def __new__(cls, value, slaves):
        row = str.__new__(cls, value)
        for name, slave in slaves.items():
            setattr(row, name, slave)
        return row


def shell_quote(value):
    """Portique's template helper: one single-quoted shell word (None is the empty word)."""
    text = '' if value is None else str(value)
    return "'" + text.replace("'", "'\\''") + "'"


def values(n):
    ports = [20000 + n * 2, 20000 + n * 2 + 1]
    names = {
        f'conteneur{n}_name': f'service{n}',
        f'conteneur{n}_type': 'docker',
        f'conteneur{n}_url': f'team/app{n}',
        f'conteneur{n}_tag': '1.0',
        f'conteneur{n}_repository': '127.0.0.1:5000',
        f'conteneur{n}_mountpoint_in': [Row('/data', {f'conteneur{n}_mountpoint_out': f'/srv/service{n}'})],
        f'conteneur{n}_port_in': [Row(str(p), {f'conteneur{n}_port_out': ports[i], f'conteneur{n}_port_proto': 'tcp'})
                                   for i, p in enumerate([8080, 8443])],
        f'conteneur{n}_chemin_conserve': 'non',
        'portique_root': '',
    }
    # Portique's helpers, as its engine gives them to every template: is_defined asks the values above.
    return {**names, 'shell_quote': shell_quote, 'is_defined': lambda name: name in names}


def main():
    distrib, rounds = sys.argv[1], int(sys.argv[2])
    sources = [open(f'{distrib}/{name}', encoding='utf-8').read()
               for name in ('conteneur-instance-vars.conf', 'portique-service.conf')]
    # Portique's %# comments are not Cheetah's (creole disables comments): drop those lines for the peer.
    sources = ['\n'.join(line for line in s.splitlines() if not line.lstrip().startswith('%#')) + '\n' for s in sources]
    compiled = []
    for n in range(1, 101):
        for source in sources:
            text = source.replace('{N}', str(n))
            compiled.append((Template.compile(source=text, compilerSettings=SETTINGS), values(n)))
    total = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for template_class, searchlist in compiled:
            total += len(str(template_class(searchList=[searchlist])))
    elapsed = time.perf_counter() - start
    print(f'{elapsed * 1000 / rounds:.3f} {total // rounds}')


main()
