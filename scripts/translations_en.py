"""English for the interface's Chinese strings. Run after `makemessages -l en` to fill the .po:

    python scripts/translations_en.py && (cd src/zhuqi && msgfmt -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po)

The compiled .mo is committed, so a machine without gettext still serves English.
"""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "src/zhuqi/locale/en/LC_MESSAGES/django.po"

ENGLISH = {
    "审计记录": "Audit trail",
    "审计记录只能追加，任何人（包括管理员）都不能修改或删除。": "The audit trail is append-only: nobody, administrators included, can change or delete it.",
    "操作人账号": "Account",
    "筛选": "Filter",
    "时间": "Time",
    "操作人": "By",
    "操作": "Action",
    "对象": "Object",
    "变更": "Changes",
    "暂无记录": "No entries",
    "登录": "Sign in",
    "用户名或密码不正确": "Wrong username or password",
    "用户名": "Username",
    "密码": "Password",
    "演示账号（密码均为 demo）：": "Demo accounts (password: demo):",
    "上一页": "Previous",
    "第 %(number)s / %(pages)s 页，共 %(total)s 条": "Page %(number)s of %(pages)s, %(total)s in all",
    "下一页": "Next",
    "共 %(total)s 条": "%(total)s in all",
    "工作台": "Workbench",
    "范围内企业": "Enterprises in your scope",
    "查看企业名录": "Open the enterprise registry",
    "其中规上企业": "Above designated size",
    "查看": "Open",
    "名录维护": "Registry upkeep",
    "导入企业名录": "Import an enterprise list",
    "登记企业": "Register an enterprise",
    "本企业": "Your enterprise",
    "我包联的企业": "Enterprises assigned to me",
    "自": "since",
    "暂无": "None yet",
    "最近变更": "Recent changes",
    "全部审计记录": "Whole audit trail",
    "展开": "Expand",
    "家企业": "enterprises",
    "行政区划": "Regions",
    "GB/T 2260 行政区划代码。数字为您权限范围内、该地区及其下级的企业数。": "GB/T 2260 division codes. The numbers count the enterprises in your scope in each region and below it.",
    "企业": "Enterprises",
    "统一社会信用代码": "Unified social credit code",
    "企业名称": "Name",
    "简称": "Short name",
    "所在地区": "Region",
    "代码或名称，如 150581 或 霍林郭勒市": "Code or name, e.g. 150581 or 霍林郭勒市",
    "所属行业": "Industry",
    "GB/T 4754 代码或名称，如 3252 或 铝压延加工": "GB/T 4754 code or name, e.g. 3252 or 铝压延加工",
    "从业人员": "Employees",
    "营业收入(万元)": "Revenue (10k yuan)",
    "资产总额(万元)": "Total assets (10k yuan)",
    "规上企业": "Above designated size",
    "地址": "Address",
    "联系人": "Contact",
    "联系电话": "Phone",
    "职务": "Title",
    "企业名录文件（.xlsx 或 .csv）": "Enterprise list (.xlsx or .csv)",
    "修改": "Edit",
    "变更历史": "History",
    "登记信息": "Registration",
    "版本": "Version",
    "规模": "Size",
    "企业规模": "Size class",
    "无法划型": "Cannot be classified",
    "是,否": "yes,no",
    "划型依据": "Basis",
    "缺少": "Missing",
    "按个人信息保护要求，联系方式已部分隐藏。": "Contact details are partly hidden to protect personal information.",
    "包联责任人": "Responsible officials",
    "暂未安排包联": "No one assigned yet",
    "保存": "Save",
    "取消": "Cancel",
    "上传 Excel（.xlsx）或 CSV 文件，第一行为表头。可识别的列：": "Upload an Excel (.xlsx) or CSV file with the headers in row 1. Recognised columns:",
    "上传后先检查每一行，预览错误；确认后才写入。已登记的统一社会信用代码会被更新，不会重复。": "Every row is checked first and the errors shown; nothing is written until you confirm. Codes already registered are updated, never duplicated.",
    "上传并检查": "Upload and check",
    "导入预览": "Import preview",
    "共 %(rows)s 行，其中 %(good)s 行正确。": "%(rows)s rows, %(good)s of them correct.",
    "%(bad)s 行有错误。": "%(bad)s rows have errors.",
    "全部正确，尚未写入。确认后导入。": "All rows are correct. Nothing is written until you confirm.",
    "有错误时不会写入任何数据。您可以改正文件后重新上传，或只导入正确的行（错误行可下载后改正再导入）。": "With errors nothing is written. Correct the file and upload it again, or import only the correct rows (download the bad rows, correct them and import them later).",
    "只导入正确的 %(good)s 行": "Import only the %(good)s correct rows",
    "下载错误行": "Download the bad rows",
    "确认导入": "Import",
    "重新上传": "Upload again",
    "错误": "Errors",
    "行号": "Row",
    "列": "Column",
    "原因": "Reason",
    "仅显示前 500 条错误，完整内容见错误行文件。": "Only the first 500 errors are shown; the bad-rows file has them all.",
    "导入结果": "Import result",
    "已导入：新增 %(created)s 家，更新 %(updated)s 家，未变 %(unchanged)s 家。": "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
    "跳过 %(skipped)s 行错误数据。": "%(skipped)s bad rows skipped.",
    "文件有错误，未写入任何数据。": "The file has errors; nothing was written.",
    "继续导入": "Import another",
    "企业名录": "Enterprises",
    "搜索": "Search",
    "名称、简称、信用代码或拼音首字母": "Name, short name, code or pinyin initials",
    "地区代码": "Region code",
    "行业": "Industry",
    "全部": "All",
    "是": "Yes",
    "否": "No",
    "包联干部": "Assigned official",
    "查询": "Search",
    "导出 Excel": "Export to Excel",
    "规上": "Above size",
    "没有符合条件的企业": "No enterprise matches",
    "导出超过 %(max)s 行，请先筛选": "More than %(max)s rows to export: filter the list first",
    "已登记：%(name)s": "Registered: %(name)s",
    "其他人刚修改了这家企业。您的修改没有保存；请打开最新版本后重新修改。": "Someone else has just changed this enterprise. Your change was not saved; open the latest version and make it again.",
    "已保存": "Saved",
    "只支持 .xlsx 或 .csv 文件（Excel 中“另存为”即可）": "Only .xlsx or .csv files (use Save As in Excel)",
    "文件过大（上限 %(mb)s MB）": "File too large (limit %(mb)s MB)",
    "助企": "zhuqi",
    "菜单": "Menu",
    "导入": "Import",
    "退出": "Sign out",
    "至": "until",
    "结束包联": "End assignment",
    "干部": "Official",
    "类别": "Kind",
    "开始日期": "From",
    "安排包联": "Assign",
    "请选择干部并填写正确的日期": "Choose an official and give a valid date",
    "请选择干部": "Choose an official",
    "已安排包联": "Assigned",
    "包联已结束（截至 %(date)s）": "Assignment ended (last day %(date)s)",
}

_ENTRY = re.compile(r'msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ""\n', re.MULTILINE)


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"').replace("\\n", "\n")


def main() -> None:
    text = PO.read_text(encoding="utf-8")
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        msgid = _unquote(match.group(1))
        if not msgid:
            return match.group(0)
        english = ENGLISH.get(msgid)
        if english is None:
            missing.append(msgid)
            return match.group(0)
        return f'msgid {match.group(1)}msgstr "{english.replace(chr(34), chr(92) + chr(34))}"\n'

    PO.write_text(_ENTRY.sub(fill, text).replace("#, fuzzy\n", "", 1), encoding="utf-8")
    if missing:
        raise SystemExit("untranslated:\n" + "\n".join(missing))


if __name__ == "__main__":
    main()
