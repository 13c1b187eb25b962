"""`[xml]` support: an XmlDocument/XmlElement view over xml.etree with PowerShell's adapted member access
(child elements and attributes as properties; text-only elements read as strings; repeated elements as arrays)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class XmlElement:
    ps_type_name = "System.Xml.XmlElement"

    def __init__(self, el: ET.Element) -> None:
        self._el = el

    @property
    def Name(self) -> str:  # noqa: N802
        return _local(self._el.tag)

    @property
    def LocalName(self) -> str:  # noqa: N802
        return _local(self._el.tag)

    @property
    def InnerText(self) -> str:  # noqa: N802
        return "".join(self._el.itertext())

    @property
    def InnerXml(self) -> str:  # noqa: N802
        inner = (self._el.text or "") + "".join(ET.tostring(c, encoding="unicode") for c in self._el)
        return inner

    @property
    def OuterXml(self) -> str:  # noqa: N802
        return ET.tostring(self._el, encoding="unicode")

    @property
    def ChildNodes(self) -> list[Any]:  # noqa: N802
        return [_wrap(c) for c in self._el]

    @property
    def Attributes(self) -> list[Any]:  # noqa: N802
        return [XmlAttribute(k, v) for k, v in self._el.attrib.items()]

    def GetAttribute(self, name: str) -> str:  # noqa: N802
        return self._el.attrib.get(name, "")

    def SetAttribute(self, name: str, value: Any) -> None:  # noqa: N802
        from vboshell.runtime.conversions import to_string

        self._el.set(name, to_string(value))

    def HasAttribute(self, name: str) -> bool:  # noqa: N802
        return name in self._el.attrib

    def SelectNodes(self, xpath: str) -> list[Any]:  # noqa: N802
        return [_wrap(e) for e in self._el.findall(_xpath(xpath))]

    def SelectSingleNode(self, xpath: str) -> Any:  # noqa: N802
        found = self._el.find(_xpath(xpath))
        return None if found is None else _wrap(found)

    def ps_properties(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = [(k, v) for k, v in self._el.attrib.items()]
        seen: dict[str, list[Any]] = {}
        for c in self._el:
            seen.setdefault(_local(c.tag), []).append(_value(c))
        for k, vals in seen.items():
            out.append((k, vals[0] if len(vals) == 1 else vals))
        if not out and self._el.text and self._el.text.strip():
            out.append(("#text", self._el.text))
        return out

    def __ps_str__(self) -> str:
        return _local(self._el.tag)


class XmlAttribute:
    ps_type_name = "System.Xml.XmlAttribute"

    def __init__(self, name: str, value: str) -> None:
        self.Name = name
        self.Value = value

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Name", self.Name), ("Value", self.Value)]

    def __ps_str__(self) -> str:
        return self.Value


class XmlDocument(XmlElement):
    ps_type_name = "System.Xml.XmlDocument"

    def __init__(self, root: ET.Element) -> None:
        holder = ET.Element("#document")
        holder.append(root)
        super().__init__(holder)
        self.root = root

    @property
    def DocumentElement(self) -> XmlElement:  # noqa: N802
        return XmlElement(self.root)

    def Save(self, path: Any) -> None:  # noqa: N802
        from vboshell.runtime.conversions import to_string
        from vboshell.runtime.types import _resolve_fs

        ET.ElementTree(self.root).write(_resolve_fs(to_string(path)), encoding="utf-8", xml_declaration=True)

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("xml", 'version="1.0"'), (_local(self.root.tag), _value(self.root))]

    def __ps_str__(self) -> str:
        return "#document"


def _xpath(xpath: str) -> str:
    if xpath.startswith("//"):
        return ".//" + xpath[2:]
    if xpath.startswith("/"):
        return "./" + xpath.lstrip("/").split("/", 1)[-1] if "/" in xpath.lstrip("/") else "."
    return xpath


def _value(el: ET.Element) -> Any:
    if not el.attrib and len(el) == 0:
        return el.text or ""
    return XmlElement(el)


def _wrap(el: ET.Element) -> XmlElement:
    return XmlElement(el)


def parse_xml(value: Any) -> XmlDocument:
    from vboshell.runtime.conversions import to_string

    if isinstance(value, XmlDocument):
        return value
    text = "\n".join(to_string(x) for x in value) if isinstance(value, (list, tuple)) else to_string(value)
    try:
        return XmlDocument(ET.fromstring(text.lstrip("\ufeff")))
    except ET.ParseError as e:
        raise PSRuntimeError(ErrorRecord(
            message=f'Cannot convert value "{text[:40]}" to type "System.Xml.XmlDocument". Error: "{e}"',
            error_id="InvalidCastToXmlDocument", category=ErrorCategory.InvalidArgument,
            exception_type="RuntimeException")) from None
