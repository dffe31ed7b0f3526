"""A port of the helpers EOLE's creole puts in every template's namespace (creole/eosfunc.py), for Python 3.

Only the functions Portique implements are ported, with EOLE's behaviour; the test renders the corpus with
Debian's python3-cheetah, EOLE's compiler settings and these helpers, and requires Portique's output to be
byte-identical.
"""
import os

# The root the managed system lives under (is_file); set by eole_peer.py.
ROOT = ''

# EOLE's creole.template compiler settings: % directives, %% placeholders, %-slurp, and the comment and
# PSP tokens moved out of the way (µ x 10).
COMPILER_SETTINGS = {
    'directiveStartToken': '%',
    'cheetahVarStartToken': '%%',
    'EOLSlurpToken': '%',
    'PSPStartToken': 'µ' * 10,
    'PSPEndToken': 'µ' * 10,
    'commentStartToken': 'µ' * 10,
    'commentEndToken': 'µ' * 10,
    'multiLineCommentStartToken': 'µ' * 10,
    'multiLineCommentEndToken': 'µ' * 10,
}


def is_empty(data):
    """Empty for Creole: None, '', an empty list, or a list holding only ''."""
    if data is None or data == '':
        return True
    if isinstance(data, list) and (len(data) == 0 or (len(data) == 1 and data[0] == '')):
        return True
    return False


def custom_join(multivar, separator=' '):
    return separator.join([str(i) for i in multivar])


def purge_list(lst):
    """The list without duplicates, first occurrences kept."""
    res = []
    for elt in lst:
        if elt not in res:
            res.append(elt)
    return res


def is_file(filename):
    return os.path.isfile(ROOT + filename)


def upper(string):
    return string.upper()


def lower(string):
    return string.lower()


def _ip(text):
    parts = text.split('.')
    if len(parts) != 4 or not all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts):
        raise ValueError(text)
    value = 0
    for part in parts:
        value = (value << 8) | int(part)
    return value


def _is_mask(mask):
    inverted = ~mask & 0xFFFFFFFF
    return inverted & (inverted + 1) == 0


def calc_classe(netmask):
    """The prefix length of a netmask ('255.255.255.0' -> '24'), else the netmask unchanged."""
    try:
        mask = _ip(netmask)
    except ValueError:
        return netmask
    return str(bin(mask).count('1')) if _is_mask(mask) else netmask


def _network(ip, netmask, broadcast):
    try:
        address, mask = _ip(ip), _ip(netmask)
    except (ValueError, AttributeError):
        return None
    if not _is_mask(mask):
        return None
    value = address & mask
    if broadcast:
        value |= ~mask & 0xFFFFFFFF
    return '.'.join(str((value >> shift) & 255) for shift in (24, 16, 8, 0))


def calc_network(ip, netmask):
    return _network(ip, netmask, False)


def calc_broadcast(ip, netmask):
    return _network(ip, netmask, True)


def is_defined_factory(names):
    def is_defined(varname):
        return varname in names
    return is_defined


NAMESPACE = {name: value for name, value in globals().items()
             if callable(value) and not name.startswith('_') and name != 'is_defined_factory'}
