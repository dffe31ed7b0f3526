"""Renders templates the way EOLE does: Debian's python3-cheetah, EOLE's compiler settings and EOLE's helpers.

Usage: eole_peer.py REQUEST.json -- REQUEST holds the templates folder, the root, the variables (a master as
{"master": [...], "slaves": {...}}) and the template names; prints a JSON object name -> output (or "ERROR: ...").
Run by the Portique test that requires byte-identical output (EoleCompatibilityTests).
"""
import json
import os
import sys

from Cheetah.Template import Template

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eole_helpers  # noqa: E402


class Row(str):
    """A multi value's item: prints as its value; slaves as attributes; EOLE 2.3's .value and .index."""

    def __new__(cls, value, slaves, index):
        row = str.__new__(cls, value)
        for name, slave in slaves.items():
            setattr(row, name, slave)
        row.value = value
        row.index = index
        return row


def convert(value):
    if isinstance(value, dict) and 'master' in value:
        rows = []
        for i, item in enumerate(value['master']):
            slaves = {name: items[i] if i < len(items) else None for name, items in value['slaves'].items()}
            rows.append(Row(item, slaves, i) if isinstance(item, str) else item)
        return rows
    if isinstance(value, list):
        return [Row(item, {}, i) if isinstance(item, str) else item for i, item in enumerate(value)]
    return value


def eole_compile():
    """EOLE's creole/template.py patches Cheetah's compile so that every template, included ones too, gets
    Creole's settings."""
    original = Template.compile

    @classmethod
    def cl_compile(kls, *args, **kwargs):
        kwargs['compilerSettings'] = eole_helpers.COMPILER_SETTINGS
        return original.__func__(kls, *args, **kwargs)

    Template.compile = cl_compile


def main():
    eole_compile()
    request = json.load(open(sys.argv[1], encoding='utf-8'))
    eole_helpers.ROOT = request['root']
    variables = {name: convert(value) for name, value in request['variables'].items()}
    namespace = dict(eole_helpers.NAMESPACE)
    namespace['is_defined'] = eole_helpers.is_defined_factory(variables)
    os.chdir(request['distrib'])  # Cheetah's %include reads paths relative to the working folder
    results = {}
    for name in request['templates']:
        source = open(name, encoding='utf-8').read()
        try:
            template = Template(source=source, searchList=[variables, namespace], compilerSettings=eole_helpers.COMPILER_SETTINGS)
            results[name] = str(template)
        except Exception as error:  # noqa: BLE001 - reported to the test as the peer's failure
            results[name] = 'ERROR: %s: %s' % (type(error).__name__, error)
    json.dump(results, sys.stdout, ensure_ascii=False)


main()
