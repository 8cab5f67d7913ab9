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
    "导入企业名录：%(name)s": "Import an enterprise list: %(name)s",
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

# Every singular entry, whatever its msgstr: the dictionaries above are the source of truth, so
# an English kept from an earlier catalogue (or a guess makemessages carried over) is replaced.
_ENTRY = re.compile(r'msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n)+)', re.MULTILINE)
_PLURAL_ENTRY = re.compile(
    r'msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgid_plural ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr\[0\] ""\n'
    r'msgstr\[1\] ""\n',
    re.MULTILINE,
)


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"').replace("\\n", "\n")


# The case pages (issue 3).
CASES_ENGLISH = {
    "应为编号": "Should be an id",
    "标题": "Title",
    "一句话说明，如：增值税留抵退税迟迟未到账": "One line, e.g. VAT credit refund long overdue",
    "具体情况": "Details",
    "遇到了什么困难、希望政府做什么": "What the difficulty is and what you would like the government to do",
    "紧急程度": "Urgency",
    "复杂程度": "Complexity",
    "来源": "Source",
    "来源说明": "Source note",
    "如：2026年11月20日市长调研、第3次企业座谈会": "e.g. the mayor's visit of 20 Nov 2026, the 3rd enterprise symposium",
    "交办领导": "Issued by",
    "违反的规定": "Rule breached",
    "隐患情况": "Hazard found",
    "牵头部门": "Lead department",
    "配合部门": "Co-departments",
    "办理时限": "Deadline",
    "不填则按时限规则计算（工作日）": "Leave empty to use the deadline rules (working days)",
    "附件": "Attachments",
    "意见": "Comment",
    "不予受理的理由": "Reason for rejection",
    "并入事项编号": "Merge into case no.",
    "申请延至": "Extend to",
    "审批意见": "Decision",
    "同意": "Approve",
    "不同意": "Refuse",
    "新的办理时限": "New deadline",
    "答复内容": "Answer",
    "办理结果": "Outcome",
    "无法解决的原因": "Why it cannot be resolved",
    "评价": "Rating",
    "完成（整改）情况": "Completion (rectification) report",
    "结论": "Conclusion",
    "通过": "Passed",
    "不通过": "Not passed",
    "共性问题": "Common problems",
    "多家企业提出的相似未办结诉求，按类别和内容自动归并，便于以一项政策统一答复。归并结果仅供参考，请逐件核对。": "Similar open demands from several enterprises, grouped by category and text so they can be answered once with a policy. The grouping is a suggestion: check each case.",
    "至少涉及企业数": "At least this many enterprises",
    "（无共同关键词）": "(no shared words)",
    "%(e)s 家企业，%(c)s 件诉求": "%(e)s enterprises, %(c)s demands",
    "编号": "No.",
    "状态": "Status",
    "列入调度会通报": "Flagged for the dispatch meeting",
    "已并入": "Merged into",
    "，请在该事项查看办理进展": "; follow its progress there",
    "基本情况": "Facts",
    "提交时间": "Submitted",
    "办理": "Handling",
    "该年度节假日安排尚未录入，时限暂按周末计算，录入后自动重算": "That year's holidays are not entered yet: the deadline counts weekends only and is recomputed once they are",
    "暂定": "Provisional",
    "当前环节时限": "Current step due",
    "督办": "Escalation",
    "第 %(level)s 级": "Level %(level)s",
    "延期": "Extension",
    "企业评价": "Enterprise's rating",
    "办结": "Closed",
    "不予受理": "Rejected",
    "内容": "Content",
    "答复": "Answer",
    "办理操作": "Steps you can take",
    "理由": "Reason",
    "重复时，并入事项编号": "If a duplicate, merge into case no.",
    "派单目录建议": "Routing catalogue proposes",
    "配合": "supported by",
    "按派单目录": "By the routing catalogue",
    "不填则按时限规则计算": "Leave empty to use the deadline rules",
    "答复模板": "Reply templates",
    "如实填写：办结不等于解决": "Be honest: closing a case is not resolving it",
    "对答复的评价": "Your rating of the answer",
    "5 非常满意 … 1 非常不满意；1–2 分将退回部门重新办理": "5 very satisfied … 1 very unsatisfied; 1–2 sends it back to the department",
    "不通过时的新时限": "New deadline if not passed",
    "退回理由": "Why it is returned",
    "延期理由": "Why more time is needed",
    "办理过程": "Timeline",
    "补充说明": "Add a note",
    "补充": "Add",
    "提交事项": "File a case",
    "提交诉求": "File a demand",
    "登记事项": "Record a case",
    "填写有误，请检查标出的项目": "Some entries are wrong: see the marked fields",
    "交办事项可以不指定企业": "An instruction need not name an enterprise",
    "更多：来源、复杂程度、隐患、交办": "More: source, complexity, hazard, assignment",
    "无企业的交办事项填写，如 150581": "For an instruction with no enterprise, e.g. 150581",
    "填写则提交后直接交办": "If given, the case is assigned at once",
    "图片、PDF、Word、Excel，单个文件不超过 20MB": "Images, PDF, Word, Excel; up to 20 MB each",
    "提交": "Submit",
    "事项": "Cases",
    "待我处理": "Waiting on me",
    "全部事项": "All cases",
    "标题、企业名称或 #编号": "Title, enterprise or #number",
    "时效": "Timeliness",
    "部门": "Department",
    "提交自": "Submitted from",
    "通报": "Notice",
    "列入通报": "Flagged",
    "按派单目录交办所选事项": "Assign the ticked cases by the routing catalogue",
    "按类别和关键词匹配派单目录中的牵头、配合部门；任一件无法交办则全部不执行。": "Lead and co-departments come from the routing catalogue by category and keywords; if one case cannot be assigned, none is.",
    "申请延期": "Extension requested",
    "该年度节假日安排尚未录入，时限暂按周末计算": "That year's holidays are not entered yet: the deadline counts weekends only",
    "没有等待您处理的事项": "Nothing is waiting on you",
    "派单目录": "Routing catalogue",
    "事项类别": "Case categories",
    "顺序": "Order",
    "启用": "Active",
    "改名": "Rename",
    "停用": "Retire",
    "上级类别": "Parent category",
    "（顶级）": "(top level)",
    "新增类别": "Add category",
    "通用": "General",
    "删除": "Delete",
    "模板内容": "Template text",
    "新增模板": "Add template",
    "办理时限规则": "Deadline rules",
    "事项按类别（及关键词）默认交给哪个牵头部门、哪些配合部门。同一地区先匹配带关键词的规则，再匹配不带关键词的；本地区没有规则时使用上级地区的规则。": "Which lead and co-departments a case goes to by default, by category (and keywords). In a region, rules with keywords are tried first; a region with no rule uses the region above it.",
    "关键词": "Keywords",
    "确定删除这条规则？": "Delete this rule?",
    "尚无规则：交办时需手工选择部门": "No rules yet: departments are chosen by hand when assigning",
    "修改规则": "Change rule",
    "新增规则": "Add rule",
    "以空格分隔，如：电价 用电指标": "Separated by spaces, e.g. 电价 用电指标",
    "优先顺序": "Priority",
    "办理时限规则（工作日）": "Deadline rules (working days)",
    "默认“1515”：1 个工作日内受理签收，简单诉求 5 个工作日内答复，复杂诉求 15 个工作日内答复。日清日结事项当日 18:00 前办结。修改只对此后交办的事项生效。": "Default “1515”: accepted and signed for within 1 working day, a simple demand answered within 5, a complex one within 15. Same-day cases by 18:00. Changes apply to cases assigned from now on.",
    "受理/签收": "Accept / sign for",
    "简单": "Simple",
    "复杂": "Complex",
    "全部类别": "All categories",
    "保存时限规则": "Save deadline rule",
    "逾期": "Late",
    "督办%(level)s级": "escalated, level %(level)s",
    "临期": "Due soon",
    "正常": "On time",
    "批量交办未执行：%(reason)s": "Nothing was assigned: %(reason)s",
    "已按派单目录交办 %(count)s 件": "%(count)s cases assigned by the routing catalogue",
    "已提交：#%(id)s %(title)s": "Filed: #%(id)s %(title)s",
    "该事项刚被他人处理过，页面已刷新为最新状态，请确认后再操作": "Someone else has just acted on this case; the page now shows its current state — check it before acting",
    "已%(step)s": "Done: %(step)s",
    "已补充说明": "Note added",
    "已删除": "Deleted",
    "派单目录已保存": "Routing catalogue saved",
    "未保存：%(reason)s": "Not saved: %(reason)s",
    "时限规则未保存：%(reason)s": "Deadline rule not saved: %(reason)s",
    "时限规则已保存，对此后交办的事项生效": "Deadline rule saved; it applies to cases assigned from now on",
    "%(year)s 年工作日历": "Working-day calendar %(year)s",
    "本年度节假日安排已由管理员根据国务院办公厅通知录入。": "This year's holidays were entered by an administrator from the State Council's notice.",
    "本年度节假日安排来自 chinese-calendar 数据包（国务院办公厅通知）。管理员录入后以录入为准。": "This year's holidays come from the chinese-calendar package (the State Council's notice). A year an administrator enters takes precedence.",
    "本年度节假日安排尚未录入：时限暂按周末计算，并在事项上标为“暂定”。录入后自动重算。": "This year's holidays are not entered yet: deadlines count weekends only and are marked provisional. They are recomputed once the year is entered.",
    "全年工作日 %(workday_count)s 天": "%(workday_count)s working days in the year",
    "节假日与调休": "Holidays and adjusted working days",
    "上班": "Work",
    "休息": "Off",
    "无（仅按周末）": "None (weekends only)",
    "录入本年度安排": "Enter this year",
    "日期清单": "List of days",
    "每行一天：日期,休或班,名称。整理自国务院办公厅关于节假日安排的通知；也可用命令 zhuqi import calendar 年份 文件 导入 .xlsx/.csv。录入后替换本年度原有安排。": "One day per line: date,休 or 班,name — from the State Council's notice on holidays; or run `zhuqi import calendar YEAR FILE` with .xlsx/.csv. Replaces what the year had.",
    "依据文件": "Source document",
    "%(month)s 月": "Month %(month)s",
    "去处理": "Work on them",
    "办理中事项": "Open cases",
    "其中 %(n)s 件列入通报": "%(n)s flagged for the notice",
    "未录入，请改正后重新提交：%(reasons)s": "Nothing entered; correct and submit again: %(reasons)s",
    "%(year)s 年工作日历已录入，相关暂定时限已重新计算": "Calendar %(year)s entered; provisional deadlines recomputed",
    "该企业的事项": "This enterprise's cases",
    "登记诉求": "Record a demand",
    "消息": "Notices",
    "全部消息": "All notices",
    "只看未读": "Unread only",
    "全部标为已读": "Mark all read",
    "暂无消息": "No notices",
    "群机器人": "Group robots",
    "部门的机器人收到该部门承办事项的通知；地区的机器人收到该地区营商办（专班）的通知。发送失败会按 1、5、30、120、720 分钟重试，不影响事项办理。": "A department's robot gets that department's case notices; a region's robot gets its business-environment office's. Failures are retried after 1, 5, 30, 120 and 720 minutes and never hold up a case.",
    "接收": "Receives",
    "营商办": "business-environment office",
    "尚未配置": "None configured",
    "新增": "Add",
    "机器人地址": "Robot address",
    "发送失败": "Failed deliveries",
    "工作日历": "Working-day calendar",
    "办理情况统计": "Case figures",
    "统计期": "Period",
    "事项类型": "Kind",
    "分组": "Group by",
    "按地区分组到": "Regions at level",
    "日期填写后以日期为准，否则按所选统计期。": "Dates, when given, win over the chosen period.",
    "截至 %(at)s": "As of %(at)s",
    "收到": "Received",
    "从高到低排名": "Ranked, highest first",
    "在办": "Open",
    "响应率": "Response rate",
    "按时答复率": "On-time answer rate",
    "解决率": "Resolution rate",
    "部分 %(partly)s · 无法 %(none)s · 重办 %(disputed)s · 未答复 %(unanswered)s": "partly %(partly)s · not resolvable %(none)s · redone %(disputed)s · unanswered %(unanswered)s",
    "满意率": "Satisfaction rate",
    "未评价 %(count)s": "not rated %(count)s",
    "平均办结用时": "Average working days to close",
    "统计期内没有事项": "No cases in the period",
    "合计": "Total",
    "指标定义": "Definitions",
    "每项比率只统计系统在事情发生时记录的事实（是否按时签收、是否按时答复、部门填报的办理结果、企业的每一次评价），不看状态，因此提前办结不能提高任何一项比率。分母为 0 时显示“—”。": "Each rate counts only facts recorded when they happened (signed for on time, answered on time, the outcome the department reported, every rating the enterprise gave), never the status, so closing cases early cannot raise any of them. A rate with nothing to count shows “—”.",
    "办理统计": "Figures",
    "已与其他企业的同类诉求合并办理，答复将由营商办告知。": "Merged with the same demand from other enterprises; the business-environment office will tell you the answer.",
    "筛选条件有误：%(field)s %(errors)s": "A filter could not be read: %(field)s %(errors)s",
    "%(step)s未执行：%(problems)s": "Not done (%(step)s): %(problems)s",
}
ENGLISH.update(CASES_ENGLISH)

PROJECTS_ENGLISH = {
    "合作协议": "Agreements",
    "签约双方": "Parties",
    "签约日期、地点": "Signed on, at",
    "出席领导": "Leaders present",
    "金额": "Amount",
    "合作领域": "Fields",
    "跟踪落实部门": "Follow-up department",
    "落地项目投资": "Investment of landed projects",
    "万元": "10k yuan",
    "到位资金": "Funds in place",
    "落地项目": "Landed projects",
    "尚无落地项目": "No project has come of it yet",
    "登记落地项目": "Record landed projects",
    "金额（万元）": "Amount (10k yuan)",
    "尚未登记到位资金": "No funds in place recorded",
    "到位日期": "Date in place",
    "单位": "Unit",
    "登记协议": "Register agreement",
    "登记合作协议": "Register an agreement",
    "协议名称": "Title",
    "协议类型": "Kind",
    "签约对方": "Counterparty",
    "我方签约主体": "Our signing party",
    "签约日期": "Signed on",
    "签约地点": "Place",
    "金额性质": "Nature of the amount",
    "如：“十四五”期间": "e.g. the 14th Five-Year Plan period",
    "备注": "Note",
    "重点项目库": "Key-project library",
    "项目与协议统计": "Project and agreement figures",
    "签约协议": "Agreements signed",
    "落地率": "Landing rate",
    "开工率": "Start rate",
    "履约率": "Performance rate",
    "资金到位率": "Funds-in-place rate",
    "签约满6个月未落地": "No project 6 months after signing",
    "协议名称或签约方": "Title or party",
    "签约年度": "Year signed",
    "落地情况": "Landing",
    "签约满N个月未落地": "No project N months after signing",
    "协议": "Agreement",
    "落地项目投资（万元）": "Landed investment (10k yuan)",
    "到位资金（万元）": "Funds in place (10k yuan)",
    "落地项目已保存": "Landed projects saved",
    "到位资金已登记": "Funds in place recorded",
    "只有营商办（专班）和系统管理员可以登记合作协议": "Only the business-environment office and admins register agreements",
    "协议已登记": "Agreement registered",
    "填报进展": "Report progress",
    "修改项目信息": "Edit project",
    "阶段说明": "Stage note",
    "项目单位": "Owner",
    "建设地点": "Location",
    "项目代码": "Project code",
    "级别 / 类别": "Level / category",
    "入库年度": "Year listed",
    "包联领导": "Responsible leader",
    "责任部门": "Responsible department",
    "报告周期": "Reporting period",
    "每周": "Weekly",
    "最近报告期止": "last period reported ends",
    "建设阶段": "Stages",
    "计划": "Planned",
    "实际": "Actual",
    "晚 %(days)s 天": "%(days)s days late",
    "已过计划日期": "Past the planned date",
    "登记阶段变更": "Record a stage change",
    "新阶段": "New stage",
    "实际发生日期": "Date it happened",
    "原因（退回、停缓建、取消、恢复时必填）": "Reason (required to go back, suspend, cancel or resume)",
    "投资": "Investment",
    "总投资": "Total investment",
    "累计完成": "Completed to date",
    "时间过半比例 %(share)s%%": "%(share)s%% of the year gone",
    "年度": "Year",
    "计划投资": "Planned",
    "完成投资": "Completed",
    "节点计划": "Node plan",
    "节点": "Node",
    "计划完成": "Planned",
    "实际完成": "Done",
    "滞后": "Late",
    "尚未制定节点计划": "No node plan yet",
    "新节点名称": "New node",
    "保存节点计划": "Save node plan",
    "进展报告": "Progress reports",
    "下步计划": "Next step",
    "存在问题": "Problems",
    "尚无进展报告": "No progress reports yet",
    "更早的报告": "Earlier reports",
    "关联事项": "Linked cases",
    "没有关联事项": "No linked cases",
    "截止日期": "Cut-off date",
    "重点项目（%(year)s 年，截至 %(by)s）": "Key projects (%(year)s, up to %(by)s)",
    "项目数": "Projects",
    "计划开工": "Planned start",
    "年度计划投资": "Annual plan",
    "本年完成": "Completed this year",
    "完成率": "Rate",
    "当年投产": "Producing this year",
    "预警项目": "Flagged",
    "合作协议落地": "Agreements landing",
    "签约": "Signed",
    "满6个月未落地": "No project after 6 months",
    "没有协议": "No agreements",
    "新增项目": "Add project",
    "重点项目": "Key projects",
    "项目库": "Library",
    "项目名称、项目单位或项目代码": "Project name, owner or code",
    "阶段": "Stage",
    "预警": "Flags",
    "金额单位：万元": "Amounts in 10k yuan",
    "项目": "Project",
    "本年计划": "Plan this year",
    "最近报告": "Last report",
    "填报项目进展": "Report project progress",
    "总投资 %(total)s 万元，已累计完成 %(done)s 万元。": "Total investment %(total)s (10k yuan), %(done)s completed to date.",
    "近期各报告期均已填报": "Every recent period has been reported",
    "本期进展": "Progress this period",
    "本期完成投资（万元）": "Investment this period (10k yuan)",
    "累计完成投资超过总投资属实（如总投资已调整）": "Investment to date above the total is correct (e.g. the total was raised)",
    "本期完成的节点": "Nodes done this period",
    "完成日期": "Date done",
    "存在问题（每个问题将转为事项，按事项流程交办办理）": "Problems (each becomes a case, routed and worked as usual)",
    "问题 %(n)s": "Problem %(n)s",
    "本期完成投资": "Investment this period",
    "累计完成投资": "Investment to date",
    "已登记：项目进入“%(stage)s”阶段": "Recorded: the project is now “%(stage)s”",
    "节点计划已保存": "Node plan saved",
    "您不能填报该项目的进展": "You cannot report on this project",
    "%(period)s 的进展已填报": "Progress for %(period)s reported",
    "；%(n)s 个问题已转为事项：%(ids)s": "; %(n)s problem(s) became cases: %(ids)s",
    "只有营商办（专班）和系统管理员可以维护重点项目库": "Only the business-environment office and admins keep the project library",
    "项目已入库": "Project added to the library",
    "项目信息已保存": "Project saved",
    "年度或截止日期有误：年度如 2026，日期如 2026-06-30": "Year or cut-off date could not be read: a year like 2026, a date like 2026-06-30",
    "投资完成率": "Investment rate",
}
ENGLISH.update(PROJECTS_ENGLISH)

VISITS_ENGLISH = {
    "关联项目": "Project",
    "调研走访": "Visits",
    "导出 Word 记录": "Word record",
    "参加干部": "Officials",
    "带队": "Lead",
    "未发现需要协调解决的问题。": "No problem needing help was found.",
    "意见建议": "Opinions",
    "政策落实": "Policy check",
    "已享受": "Received",
    "不了解": "Did not know of",
    "未能享受": "Could not get",
    "没有交办事项或诉求": "No instructions or demands",
    "事项办结": "Cases closed",
    "没有调研走访记录": "No visits recorded",
}
ENGLISH.update(VISITS_ENGLISH)

LIAISON_ENGLISH = {
    "我的企业": "My enterprises",
    "包联覆盖": "Liaison coverage",
    "本月报告（Word）": "This month's report (Word)",
    "上月报告": "Last month's report",
    "您的账号没有关联干部，没有包联企业。": "Your account is not linked to an official and has no assigned enterprises.",
    "%(month)s：包联企业 %(n)s 家，逾期未走访 %(overdue)s 家": "%(month)s: %(n)s assigned enterprises, %(overdue)s overdue for a visit",
    "逾期未走访": "Overdue for a visit",
    "本月走访": "Visits this month",
    "电话": "Calls",
    "上次走访": "Last visit",
    "从未": "never",
    "办理中事项": "Open cases",
    "逾期 %(n)s": "%(n)s late",
    "记录": "Log",
    "暂无包联企业": "No assigned enterprises",
    "口径": "Definitions",
    "请选择": "Choose",
    "方式": "How",
    "日期": "Date",
    "无问题": "No problems",
    "企业诉求（有就填，每条一个类别）": "The enterprise's demands (if any; one category each)",
    "诉求内容": "Demand",
    "类别": "Category",
    "说明（可不填）": "Details (optional)",
    "说明": "Details",
    "再加一条诉求": "Add another demand",
    "情况（可不填）": "Notes (optional)",
    "照片（可不传）": "Photo (optional)",
    "保存": "Save",
    "返回我的企业": "Back to my enterprises",
    "您的账号没有关联包联干部，不能记录走访": "Your account is not linked to an official, so it cannot log visits",
    "已记录：%(title)s": "Logged: %(title)s",
    "；%(n)s 条诉求已提交办理": "; %(n)s demand(s) filed",
    "月份": "Month",
    "按%(label)s": "By %(label)s",
    "导出 Excel": "Export to Excel",
    "统计至 %(date)s": "As of %(date)s",
    "地区": "Region",
    "部门": "Department",
    "单位": "Unit",
    "包联关系": "Assignments",
    "完成职责": "On target",
    "完成率": "Share on target",
    "90天未走访企业": "Not visited in 90 days",
    "包联干部": "Officials",
    "走访次数": "Visits",
    "人均走访": "Visits per official",
    "合计": "Total",
    "本月没有全月有效的包联关系": "No assignment ran for the whole month",
    "90天未走访的包联企业": "Assigned enterprises not visited in 90 days",
    "%(counter)s 家": "%(counter)s",
    "最近一次走访": "Last visit",
    "从未走访": "Never visited",
    "没有": "None",
    "走访工作台：上次走访、本月职责、记录走访": "Visits: last visit, this month's duty, log a visit",
}
ENGLISH.update(LIAISON_ENGLISH)

# Strings makemessages had marked fuzzy (a guess from a similar string, which msgfmt leaves out):
# they were shown in Chinese on English pages until _unfuzz dropped the guesses.
FORMERLY_FUZZY_ENGLISH = {
    "录入": "Save",
    "尚无调研走访记录": "No visits recorded yet",
    "期限": "Term",
    "登记": "Record",
    "所属地区（行政区划代码）": "Region (division code)",
    "没有符合条件的协议": "No agreement matches",
    "或地区代码": "or region code",
    "%(year)s 年计划": "%(year)s plan",
    "%(year)s 年完成": "%(year)s done",
    "本期": "This period",
    "累计": "To date",
    "已开工": "Started",
    "搜索企业：名称、信用代码或拼音首字母": "Search enterprises: name, credit code or pinyin initials",
    "级别": "Level",
    "没有符合条件的项目": "No project matches",
    "报告期": "Reporting period",
    "问题": "Problem",
    "具体情况（可选）": "Details (optional)",
    "政策落实情况": "Policy check",
    "未能享受的政策": "Policies that could not be obtained",
    "上月": "Previous month",
    "下月": "Next month",
    "时间线": "Timeline",
    "地点": "Places",
    "交办事项和企业诉求": "Instructions and enterprises' demands",
    "修改调研走访记录": "Correct the visit record",
    "登记调研走访": "Record a visit",
    "姓名或拼音首字母": "Name or pinyin initials",
    "项目名称或代码": "Project name or code",
    "无需协调解决的问题": "No problem needs help",
    "日历": "Calendar",
    "到": "to",
    "没有找到，请换个姓名或拼音首字母": "Nothing found: try another name or pinyin initials",
    "记录已保存": "Record saved",
}
ENGLISH.update(FORMERLY_FUZZY_ENGLISH)


VISIT_FORM_ENGLISH = {
    "所属项目": "Project",
    "记录走访": "Record a visit",
    "移除": "Remove",
    "已享受的政策": "Policies received",
    "不了解的政策": "Policies not known of",
    "调研日历": "Visit calendar",
    "登记调研": "Record a visit",
    "请从调研走访列表中点击一位领导的姓名，查看其调研日历。": "Click a leader's name in the visit list to see their calendar.",
    "事项（一句话）": "Matter (one sentence)",
    "（类别）": "(category)",
    "（企业）": "(enterprise)",
    "（由营商办派单）": "(dispatched by the business-environment office)",
    "办理时限（可不填，按派单规则）": "Deadline (optional: the dispatch rules set one)",
    "具体内容": "Details",
    "修改记录或补充事项": "Correct the record or add matters",
    "照片和纪要": "Photos and minutes",
    "%(who)s 于 %(when)s 登记": "Recorded by %(who)s on %(when)s",
    "结束日期": "End date",
    "当天结束可不填": "Leave empty if it ended the same day",
    "如：孟宪东到霍林郭勒市调研重点项目建设": "e.g. 孟宪东 inspects key projects in 霍林郭勒市",
    "带队领导": "Led by",
    "陪同人员": "Accompanied by",
    "职务按调研当天的任职自动记录，无需填写": "Posts are recorded as held on the day of the visit; nothing to type",
    "不填则按所到企业的地区": "Empty: the region of the enterprises visited",
    "概要": "Summary",
    "看了什么、听了什么、议定了什么": "What was seen, heard and agreed",
    "每条保存后成为一件事项，按派单流程办理；交办事项由带队领导交办，诉求属于所到企业之一。": (
        "Each row becomes a case handled through the dispatch workflow; an instruction is given by "
        "the lead official, a demand belongs to one of the enterprises visited."
    ),
    "+ 再加一条": "+ Add another",
    "照片、纪要（可选）": "Photos, minutes (optional)",
    "我的调研日历": "My visit calendar",
    "标题关键词": "Title contains",
    "从": "From",
    "没有找到": "Nothing found",
    "“%(value)s”不是日期（YYYY-MM-DD）": "“%(value)s” is not a date (YYYY-MM-DD)",
    "已登记；提出的事项已进入办理流程": "Recorded; its matters are now in the workflow",
    "您的角色不能登记调研走访": "Your role cannot record visits",
    "只有登记人或本地区的营商办（管理员）可以修改这条记录": (
        "Only the person who recorded it or this region's business-environment office can change this record"
    ),
    "我的调研走访": "My visits",
    "最近一次 %(day)s": "last on %(day)s",
    "本月 %(month)s 次，今年 %(year)s 次": "%(month)s this month, %(year)s this year",
    "交办事项在办 %(open)s 件、已办结 %(done)s 件": "instructions given: %(open)s open, %(done)s done",
    "我的调研记录": "My visit record",
    "我交办的事项": "Instructions I gave",
}
ENGLISH.update(VISIT_FORM_ENGLISH)


VISITFORM_ENGLISH = {
    "这次调研走访可能已经登记过": "This visit may already be recorded",
    "以下记录的带队人相同、日期有重叠、所到企业相同：": (
        "These records have the same lead official, overlapping dates and an enterprise in common:"
    ),
    "请先打开核对（在新窗口打开，这里填写的内容都保留着）。确实是另一次的，请点页面下方的"
    '<a href="#confirm-duplicate">“仍然保存”</a>。': (
        "Open them to check (they open in a new window; what you typed here is kept). If this is "
        'another visit, press <a href="#confirm-duplicate">“Save anyway”</a> below.'
    ),
    "选择的文件还没有上传，请重新选择。": "The files you chose were not uploaded yet: choose them again.",
    "仍然保存": "Save anyway",
    "没有保存，请修改：": "Not saved. Please correct: ",
    "时限": "Deadline",
}
ENGLISH.update(VISITFORM_ENGLISH)

# The shared search picker and the inbox's mark-read (branch pickers).
PICKERS_ENGLISH = {
    "移除": "Remove",
    "没有找到，请换个名称或拼音首字母": "Nothing found; try another name or the pinyin initials",
    "只列出前 %(shown)s 个，请继续输入以缩小范围": "Only the first %(shown)s are shown; type more to narrow",
    "地区名称、拼音首字母或代码": "Region name, pinyin initials or code",
    "部门名称或拼音首字母": "Department name or pinyin initials",
    "全部；输入名称或拼音首字母": "All; type a name or pinyin initials",
    "本辖区；输入名称或拼音首字母": "Your jurisdiction; type a name or pinyin initials",
    "全部；输入姓名或拼音首字母": "All; type a name or pinyin initials",
    "所属地区": "Region",
    "名称、信用代码或拼音首字母": "Name, credit code or pinyin initials",
    "或地区（该地区营商办）": "Or a region (its business environment office)",
    "无企业的交办事项选择，按名称或拼音首字母查找": "For an instruction without an enterprise; find it by name or pinyin initials",
    "选择则提交后直接交办": "If chosen, the case is assigned on submission",
    "标为已读": "Mark read",
    "清单名称或年度": "List name or year",
}
ENGLISH.update(PICKERS_ENGLISH)


DEADLINES_ENGLISH = {
    # Escalation levels: 催办 → 督办 → 通报 (督办 and 通报 are translated above).
    "催办": "Reminder",
    "同一类型和紧急程度，先用该类别的规则（子类别没有时用其上级类别的），再用“全部类别”的规则。": (
        "For a kind and urgency, the category's own rule applies (for a sub-category without one, its "
        "parent category's), else the rule for all categories."
    ),
    "逾期后逐级督办：逾期第 %(reminder)s 个工作日催办，第 %(supervision)s 个工作日起督办（告知本地区领导），第 %(notice)s 个工作日起列入调度会通报。": (
        "A late case is escalated step by step: a reminder once it is %(reminder)s working day(s) late, "
        "escalation (the region's leaders are told) from %(supervision)s, the dispatch meeting's notice "
        "from %(notice)s."
    ),
}
ENGLISH.update(DEADLINES_ENGLISH)
DEADLINES_PLURAL_ENGLISH = {
    "%(bad)s 行有错误。": ("%(bad)s row has errors.", "%(bad)s rows have errors."),
    "逾期 %(days)s 个工作日": ("%(days)s working day late", "%(days)s working days late"),
}

CLIOPS_ENGLISH = {
    "已提交": "Submitted",
    "已受理": "Accepted",
    "已决定不予受理": "Declined",
    "已并入重复诉求": "Merged into the earlier demand",
    "已交办": "Assigned",
    "已签收": "Taken on",
    "已退回": "Returned",
    "延期申请已提交": "Extension requested",
    "延期申请已审批": "Extension request decided",
    "已答复": "Answered",
    "评价已提交，谢谢": "Thank you: your rating is recorded",
    "已报告完成情况": "Completion reported",
    "验收（复查）结论已记录": "Verification (re-inspection) recorded",
    "已重新办理": "Reopened",
    "说明已补充": "Note added",
    "已督办": "Escalated",
    "已按逾期未评价办结": "Closed: not rated in time",
    "时限已重算": "Deadline recomputed",
    "事项信息已修改": "Case details corrected",
    "更多：来源说明、复杂程度、隐患、交办": "More: source note, complexity, hazard, assignment",
}
ENGLISH.update(CLIOPS_ENGLISH)

# The layout branch: choice labels (statuses, kinds, stages …) shown through core.display and the
# templates, the audit page's filters, units in table headers.
LAYOUT_ENGLISH = {
    "诉求": "Demand",
    "交办": "Instruction",
    "隐患": "Hazard",
    "待受理": "Awaiting acceptance",
    "已受理": "Accepted",
    "已交办": "Assigned",
    "已退回": "Returned",
    "办理中": "In progress",
    "已答复待评价": "Answered, awaiting rating",
    "待验收": "Awaiting verification",
    "已办结": "Closed",
    "已发现": "Found",
    "整改中": "Being rectified",
    "待复查": "Awaiting re-inspection",
    "已销号": "Cleared",
    "一般": "Normal",
    "紧急": "Urgent",
    "日清日结": "Same day",
    "领导调研": "Leader's visit",
    "企业座谈会": "Enterprise symposium",
    "联络员走访": "Liaison visit",
    "企业自主提交": "Filed by the enterprise",
    "热线": "Hotline",
    "调度会": "Dispatch meeting",
    "报道": "News report",
    "执法检查": "Law-enforcement inspection",
    "项目进展报告": "Project progress report",
    "已解决": "Resolved",
    "部分解决": "Partly resolved",
    "无法解决": "Cannot be resolved",
    "不属于政府职责": "Not a government responsibility",
    "与法律法规相冲突": "Conflicts with laws or regulations",
    "需上级政策调整": "Needs a policy change above",
    "暂不具备条件": "Conditions not yet in place",
    "其他": "Other",
    "重复诉求（已并入其他事项）": "Duplicate (merged into another case)",
    "不属于政府职责范围": "Outside the government's remit",
    "信息不全无法办理": "Too little information to handle",
    "企业确认评价": "Rated by the enterprise",
    "企业逾期未评价": "Not rated in time",
    "验收/复查通过": "Passed verification",
    "未申请": "Not requested",
    "延期待审批": "Extension awaiting approval",
    "延期已批准": "Extension approved",
    "延期未批准": "Extension refused",
    "受理": "Accept",
    "并入重复诉求": "Merge duplicate",
    "签收": "Take on",
    "退回": "Return",
    "审批延期": "Decide extension",
    "报告完成": "Report completion",
    "验收/复查": "Verify",
    "重新办理": "Reopen",
    "逾期未评价办结": "Closed unrated",
    "重算时限": "Deadline recomputed",
    "新建": "Created",
    "省级": "Province",
    "地级": "Prefecture",
    "县级": "County",
    "门类": "Section",
    "大类": "Division",
    "中类": "Group",
    "小类": "Class",
    "政府部门": "Government department",
    "党委及其部门": "Party committee or its department",
    "人大": "People's Congress",
    "政协": "CPPCC",
    "大型": "Large",
    "中型": "Medium",
    "小型": "Small",
    "微型": "Micro",
    "驻企联络员": "Liaison officer",
    "战略合作": "Strategic cooperation",
    "融资": "Financing",
    "意向性融资": "Intended financing",
    "合同金额": "Contract amount",
    "无金额": "No amount",
    "亿元": "100 million yuan",
    "通知": "Notice",
    "待办": "To do",
    "系统": "System",
    "未督办": "Not escalated",
    "企业微信群机器人": "WeCom group robot",
    "钉钉群机器人": "DingTalk group robot",
    "通用 JSON": "Generic JSON",
    "电子邮件": "Email",
    "待发送": "Waiting to send",
    "已发送": "Sent",
    "谋划": "Planned",
    "前期": "Preparing",
    "开工在建": "Under construction",
    "竣工": "Completed",
    "投产": "Producing",
    "停缓建": "Suspended",
    "工业": "Industry",
    "能源": "Energy",
    "基础设施": "Infrastructure",
    "农牧业": "Farming and herding",
    "服务业": "Services",
    "社会民生": "Public services",
    "生态环保": "Environment",
    "国家重点": "National key",
    "自治区（省）重点": "Regional (provincial) key",
    "盟市重点": "Prefecture key",
    "旗县区重点": "County key",
    "每半月": "Every half month",
    "每月": "Monthly",
    "土地手续": "Land approval",
    "审批手续": "Approvals",
    "开工建设": "Construction start",
    "主体工程": "Main works",
    "设备安装": "Equipment installation",
    "试生产": "Trial production",
    "竣工验收": "Completion acceptance",
    "调研/督导": "Inspection visit",
    "座谈会": "Symposium",
    "走访": "Visit",
    "电话联系": "Phone call",
    "人工登记": "Entered by hand",
    "报道导入": "Imported from a report",
    "陪同": "Accompanying",
    "系统管理员": "Administrator",
    "领导": "Leader",
    "营商办/专班": "Business office / task force",
    "承办部门": "Handling department",
    "审计员": "Auditor",
    "起始日期": "From",
    "对象类型": "Record type",
    "对象编号": "Record id",
    "字段": "Field",
    "如：办理时限": "e.g. 办理时限 (deadline)",
    "最近修改": "Last changed",
    "第 %(version)s 版": "version %(version)s",
    "计划投资（万元）": "Planned investment (10k yuan)",
    "完成投资（万元）": "Investment done (10k yuan)",
    "年度计划投资（万元）": "Planned this year (10k yuan)",
    "本年完成（万元）": "Done this year (10k yuan)",
    "总投资（万元）": "Total investment (10k yuan)",
    "本年计划（万元）": "Planned this year (10k yuan)",
    "累计完成（万元）": "Done to date (10k yuan)",
    "按时间进度应完成 %(share)s%%": "%(share)s%% due by now",
    "今年已过去 %(share)s%% 的时间：按时间进度，年度计划投资应完成 %(share)s%%，完成不足的项目标为“投资滞后”": "%(share)s%% of the year has passed, so %(share)s%% of the year's planned investment should be done; a project below that is flagged as behind on investment",
    "请同时选择对象类型": "Choose the record type as well",
    "网页": "web",
    "接口": "API",
    "定时检查": "scheduled check",
    "命令行": "command line",
    "演示数据": "demo data",
    "基础数据": "reference data",
    "企业端": "enterprise portal",
    "检查": "inspection",
    "项目进展": "project report",
}
ENGLISH.update(LAYOUT_ENGLISH)


# Ledgers in Excel, correcting a filed case, late project reports (issue 14's user requests).
FEATURES_ENGLISH = {
    "修改原因": "Reason for the correction",
    "写入办理记录，如：企业名称登记有误": "Goes on the timeline, e.g. the enterprise was entered wrongly",
    "修改事项信息": "Correct the case",
    "已修改": "changed",
    "只更正事项本身的信息；办理时限、承办部门和办理进度不变。修改记录写入办理记录和审计记录。": (
        "Corrects only what the case is about; its deadline, departments and progress stay as they are. "
        "The correction goes on the timeline and into the audit trail."
    ),
    "改为其他企业：名称、信用代码或拼音首字母": "Move to another enterprise: name, credit code or pinyin initials",
    "保存修改": "Save the correction",
    "导出事项台账（Excel）": "Export the case ledger (Excel)",
    "该事项刚被他人修改或处理过，请查看最新内容后再修改": (
        "Someone has just changed or acted on this case: read it again before correcting it"
    ),
    "导出协议台账（Excel）": "Export the agreement register (Excel)",
    "报告期结束后第1个工作日之后填报": "Filed after the first working day following the period",
    "补报": "filed late",
    "漏报的报告期可以补报，补报的报告会标明“补报”。": (
        "A missed period can still be reported; such a report is marked as filed late."
    ),
    "无法执行": "Not allowed",
    "您的账号不能进行这项操作。如果是页面停留太久，请刷新后重试。": (
        "Your account may not do this. If the page was open for a long time, reload it and try again."
    ),
    "回到工作台": "Back to the workbench",
    "该事项刚被他人处理过，页面已显示最新状态；您填写的内容保留在下面，请确认后再提交": (
        "Someone has just acted on this case. The page shows it as it is now, with what you typed "
        "kept below: check it and submit again."
    ),
    "页面不存在": "Page not found",
    "您要找的页面或记录不存在，或不在您的权限范围内。": (
        "The page or record you asked for does not exist or is outside your scope."
    ),
}
ENGLISH.update(FEATURES_ENGLISH)

FIXLEAKS_ENGLISH = {
    "该企业的意见和政策落实情况不在您的范围内": "This enterprise's opinions and policy answers are outside your scope",
}
ENGLISH.update(FIXLEAKS_ENGLISH)
FIXLEAKS_PLURAL_ENGLISH = {
    "另有 %(counter)s 个项目不在您的范围内": (
        "%(counter)s more project is outside your scope",
        "%(counter)s more projects are outside your scope",
    ),
}


FIXIDS_ENGLISH = {
    "应为记录编号（数字）": "should be a record number (digits)",
    "应为6位行政区划代码": "should be a six-digit administrative division code",
    "没有标记任何通知：所选通知无法识别": "No notice was marked read: the chosen notices could not be recognised",
}
ENGLISH.update(FIXIDS_ENGLISH)


# Content-Security-Policy: the region tree's fold button, now labelled both ways.
HEADERS_ENGLISH = {
    "收起": "Collapse",
}
ENGLISH.update(HEADERS_ENGLISH)

AUTH_ENGLISH = {
    # Logins, passwords and API tokens (issue 15, items 3-5).
    "登录失败次数过多，已暂停登录。请于 %(time)s 以后再试，或请系统管理员解除锁定。": (
        "Too many failed logins: logging in is paused. Please try again after %(time)s, "
        "or ask the system administrator to unlock it."
    ),
    "登录失败": "Login failed",
    "登录锁定": "Login locked",
    "解除锁定": "Unlocked",
    "来源地址": "Client address",
    "该账号失败次数": "Failures for this account",
    "该地址失败次数": "Failures from this address",
    "锁定至": "Locked until",
    "锁定期间的尝试": "Attempt during the lockout",
    "清除的失败记录": "Failure records cleared",
    "吊销的API令牌": "API tokens revoked",
    "我的账号": "My account",
    "令牌已吊销，使用它的程序将无法再访问接口": "Token revoked: programs using it can no longer call the API",
    "两次输入的新密码不一致": "The two new passwords do not match",
    "密码已修改。其他设备上的登录已退出，原有的API令牌已全部吊销": (
        "Password changed. Sign-ins on other devices have ended and all your API tokens are revoked"
    ),
    "密码太短，至少需要 %(min_length)d 个字符。": "This password is too short: it needs at least %(min_length)d characters.",
    "密码至少需要 %(min_length)d 个字符。": "A password needs at least %(min_length)d characters.",
    "解除登录锁定": "Unlock logins",
    "要求重设密码": "Require a new password",
    "吊销全部API令牌": "Revoke all API tokens",
    "吊销所选API令牌": "Revoke the selected API tokens",
    "已解除 %(count)d 个账号的登录锁定": "Logins unlocked for %(count)d account(s)",
    "%(count)d 个账号须在下次登录时设置新密码，其API令牌已吊销": (
        "%(count)d account(s) must set a new password at the next login; their API tokens are revoked"
    ),
    "已吊销 %(count)d 个API令牌": "%(count)d API token(s) revoked",
    "系统管理员要求您设置新密码。设置之前，其他页面和接口都无法使用。": (
        "The system administrator requires you to set a new password. Until you do, no other page "
        "and no API call is available."
    ),
    "修改密码": "Change password",
    "当前密码": "Current password",
    "新密码": "New password",
    "再次输入新密码": "New password again",
    "至少 8 个字符，不能全是数字，不能是常见密码，也不能与用户名相近。": (
        "At least 8 characters, not all digits, not a common password and not like your username."
    ),
    "修改后，其他设备上的登录会退出，所有API令牌会被吊销。": (
        "Changing it signs you out on other devices and revokes all your API tokens."
    ),
    "API令牌": "API tokens",
    "程序调用接口时使用的令牌，每个在创建 %(days)s 天后失效。令牌本身只在申请时显示一次；不再使用或可能泄露的，请吊销。": (
        "Tokens that programs use to call the API; each expires %(days)s days after it was created. "
        "A token itself is shown only once, when issued; revoke any no longer used or possibly leaked."
    ),
    "申请地址": "Issued to address",
    "创建时间": "Created",
    "最近使用": "Last used",
    "失效时间": "Expires",
    "未使用": "Not used",
    "吊销": "Revoke",
    "没有可用的API令牌": "No API tokens in use",
    "须修改密码": "Must change password",
    "演示账号（密码均为 %(demo_password)s）：": "Demo accounts (password: %(demo_password)s):",
}
ENGLISH.update(AUTH_ENGLISH)


# The import page: background checking and writing, its progress, its states (issue 15 item 6).
IMPORTS_ENGLISH = {
    "（页面会自动刷新，可以离开此页，稍后在导入页查看）": "(this page refreshes itself; you may leave and come back to it from the import page)",
    "已读取": "Read",
    "已检查": "Checked",
    "有错误": "With errors",
    "已写入": "Written",
    "确认后将新增 %(created)s 家，更新 %(updated)s 家，%(unchanged)s 家不变。": "Once confirmed: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.",
    "正在分批写入。全部写入后才算完成；如果中途中断，会从中断处继续，不会重复写入。": "Writing in batches. The import is done only when every row is in; if it stops halfway it goes on from where it stopped, writing no row twice.",
    "写入中断：已写入 %(done)s 行，还有 %(left)s 行未写入。已写入的行已记入审计记录；继续写入会从中断处接着写，不会重复。": "Writing stopped: %(done)s rows are in, %(left)s rows are not yet. The rows written are in the audit trail; continuing goes on from where it stopped, writing no row twice.",
    "继续写入": "Continue writing",
    "检查和写入在后台进行，大文件不影响其他人使用系统。每个文件最多 %(rows)s 行。": "Checking and writing run in the background: a large file does not hold up anyone else. At most %(rows)s rows per file.",
    "最近的导入": "Recent imports",
    "文件": "File",
    "上传时间": "Uploaded",
    "正在检查": "Checking",
    "已检查，待确认": "Checked, awaiting confirmation",
    "正在写入": "Writing",
    "写入中断": "Writing interrupted",
    "已完成": "Done",
    "文件无法导入": "File refused",
}
ENGLISH.update(IMPORTS_ENGLISH)


# Counted phrases: English has a singular and a plural form where Chinese has one.
# Entries that had kept old guesses from similar strings (排名 as "Rename", 统计 as "Conclusion"):
# each now has its own English here.
REVIEWED_ENGLISH = {
    "类型": "Type",
    "没有符合条件的共性问题": "No common problems match",
    "包联干部代为提交": "Filed by the liaison officer for the enterprise",
    "没有找到，请换个名称、信用代码或拼音首字母": "Nothing found: try another name, credit code or pinyin initials",
    "下一级": "One level down",
    "统计": "Show",
    "排名": "Rank by",
    "平均办结用时（工作日）": "Average time to close (working days)",
    "名称": "Name",
    "代我包联的企业提交": "File for an enterprise assigned to me",
    "没有符合条件的事项": "No cases match",
    "安排": "Day type",
    "按地区": "By region",
    "按牵头部门": "By lead department",
    "按责任部门": "By responsible department",
    "按项目级别": "By project level",
    "按跟踪落实部门": "By follow-up department",
}
ENGLISH.update(REVIEWED_ENGLISH)


# Labels the page forms name fields by in their messages (issue 16, core forms).
PAGES_ENGLISH = {
    "发生日期": "Date it happened",
    "完成节点": "Milestones done",
    "受理/签收时限": "Days to accept/sign for",
    "简单事项时限": "Days for a simple case",
    "复杂事项时限": "Days for a complex case",
}
ENGLISH.update(PAGES_ENGLISH)


# Hazards told to the enterprise, re-inspected by another person, labelled by kind (issue 17, part 3).
HAZARDS_ENGLISH = {
    "完成情况报告": "Completion report",
    "整改报告": "Rectification report",
    "整改期限": "Rectification deadline",
    "验收通过": "Accepted",
    "复查通过，予以销号": "Passed re-inspection, cleared",
    "新的整改期限": "New rectification deadline",
    "验收结论": "Acceptance",
    "复查结论": "Re-inspection",
    "上次报告的完成情况": "Completion last reported",
    "上次报告的整改情况": "Rectification last reported",
    "报告完成情况": "Report completion",
    "验收": "Accept the completion",
    "登记隐患": "Hazard recorded",
    "交办整改": "Rectification ordered",
    "报告整改完成": "Report rectified",
    "复查": "Re-inspect",
    "重新整改": "Rectify again",
    "派单": "Routing",
    "未通过原因": "Why it did not pass",
    "退回部门": "Returned by",
    "整改要求": "What is required",
    "请于 %(due)s 前整改到位，并在下方“报告整改完成”中写明整改情况、附上整改后的照片或材料；部门复查通过后予以销号。": "Rectify this by %(due)s, then use “Report rectified” below to say what was done and attach photos or documents of the result; once the department's re-inspection passes, the hazard is cleared.",
    "整改情况已报告，等待部门复查。": "The rectification has been reported and awaits the department's re-inspection.",
    "登记时间": "Recorded",
    "整改": "Rectification",
    "销号": "Cleared",
    "不通过时的新整改期限": "New rectification deadline if not passed",
    "不通过时必填": "Required if not passed",
    "整改情况": "What was rectified",
    "完成情况": "What was done",
    "复查意见（不通过时写明原因）": "Re-inspection notes (say why if not passed)",
    "验收意见（不通过时写明原因）": "Acceptance notes (say why if not passed)",
    "整改要求（告知企业）": "What is required (told to the enterprise)",
    "整改完成情况是您报告的，复查须由另一人进行（同一人不能既报告整改又复查销号）": "You reported this rectification, so someone else must re-inspect it (one person may not both report a hazard rectified and clear it)",
    "待整改隐患": "Hazards to rectify",
    "待定": "Not set yet",
}
ENGLISH.update(HAZARDS_ENGLISH)


# Common problems: why each case is in its group, and splitting a wrong one out (issue 17).
GROUPING_ENGLISH = {
    "共同词": "Shared words",
    "该诉求与同组其他诉求共有的词，说明为何归入本组": (
        "The words this demand shares with the others of its group: why it is in the group"
    ),
    "不属于本组：拆出，今后不再与本组其他诉求归为一组": (
        "Not this problem: split it out, and never group it with these demands again"
    ),
    "拆出": "Split out",
    "已拆出的诉求": "Demands split out of their groups",
    "以下诉求经人工核对不属于原共性问题，今后不再与原组其他诉求归为一组；撤销后重新按内容归组。": (
        "These demands were checked by hand and found not to share their group's problem: they are "
        "never grouped with that group's other demands again. Undo a split to let the wording decide again."
    ),
    "原共性问题": "Split from",
    "不再同组": "Kept apart from",
    "拆出时间": "Split at",
    "撤销拆分": "Undo split",
    "拆出的事项": "Case split out",
    "不再同组的事项": "Cases kept apart",
    "共性问题拆分": "Common-problem split",
    "未拆出：%(reason)s": "Not split: %(reason)s",
    "已将 #%(case)s 拆出该共性问题，今后不再与这 %(count)s 件诉求归为一组": (
        "Split #%(case)s out of the common problem: it is never grouped with these %(count)s demands again"
    ),
    "已撤销拆分，该诉求可再按内容归组": "Split undone: the demand is grouped by its wording again",
    "只有营商办/专班和管理员可以调整共性问题的分组": (
        "Only the business-environment office, task forces and administrators can change common-problem groups"
    ),
    "请指明该事项要与哪些事项分开（同组的其他事项）": (
        "Name the cases to keep this one apart from (the others of its group)"
    ),
    "一次最多与 5,000 件事项分开": "At most 5,000 cases at a time",
}
ENGLISH.update(GROUPING_ENGLISH)
GROUPING_PLURAL_ENGLISH = {
    "%(counter)s 件诉求": ("%(counter)s demand", "%(counter)s demands"),
}
# Group robots with WeCom's and DingTalk's real settings (issue 17, part 4).
ROBOTS_ENGLISH = {
    "只有系统管理员和营商办（专班）可以配置群机器人": "Only admins and the business-environment office configure group robots",
    "最近成功": "Last success",
    "最近失败": "Last failure",
    "最近错误": "Last error",
    "加签": "Signed",
    "已停用": "Disabled",
    "%(n)s 条重试中": "%(n)s retrying",
    "测试": "Test",
    "编辑": "Edit",
    "重试中": "Retrying",
    "机器人": "Robot",
    "已尝试": "Attempts",
    "下次尝试": "Next attempt",
    "已取消": "Cancelled",
    "加签密钥": "Signing secret",
    "加签密钥（钉钉）": "Signing secret (DingTalk)",
    "平台地址": "Platform address",
    "要素": "Facts",
    "已设置：%(secret_shown)s": "Set: %(secret_shown)s",
    "清除密钥": "Remove the secret",
    "留空则不变。": "Leave blank to keep it.",
    "地址含机器人的密钥，不再显示全文；留空则不变。": (
        "The address holds the robot's key and is not shown again in full; leave blank to keep it."
    ),
    "在群设置的“群机器人”里复制 Webhook 地址。": "Copy the webhook address from the group's robot settings.",
    "钉钉机器人安全设置选“加签”时，复制 SEC 开头的密钥填在这里；保存后不再显示全文。": (
        "If the DingTalk robot's security setting is signing (加签), paste its secret starting with SEC "
        "here; it is not shown again in full once saved."
    ),
    "群消息中的链接按系统设置的地址 %(base)s 生成（ZHUQI_BASE_URL），此处不起作用。": (
        "Links in group messages are made with the address the system is set to, %(base)s "
        "(ZHUQI_BASE_URL); this field has no effect."
    ),
    "群消息中的链接用它拼成完整地址：在群里点开 /cases/24/ 这样的站内链接是打不开的。默认为您现在打开本平台的地址；如果群成员用别的地址（如内网域名）访问平台，请改为那个地址。": (
        "Links in group messages are made complete with it: a link such as /cases/24/ cannot be opened "
        "from a chat. It defaults to the address you opened the platform from; if the group's members "
        "open the platform at another address (an intranet name, say), enter that one."
    ),
    "测试消息已送达，平台应答：%(answer)s": "The test message was delivered; the platform answered: %(answer)s",
    "测试消息未送达：%(answer)s": "The test message was not delivered: %(answer)s",
    "已启用": "Enabled",
    "已停用，待发送的消息不再发送": "Disabled; messages waiting for it will not be sent",
    "未删除：%(reason)s": "Not deleted: %(reason)s",
    "只有钉钉机器人使用加签密钥": "Only DingTalk robots use a signing secret",
    "钉钉的加签密钥以 SEC 开头（机器人安全设置“加签”一栏）": (
        "A DingTalk signing secret starts with SEC (the robot's security settings, signing)"
    ),
    "必填：群里的链接要用平台地址拼成完整地址": "Required: links in the group are made complete with the platform's address",
    "应为 http:// 或 https:// 开头的平台地址，如 https://zhuqi.example.gov.cn/": (
        "Should be the platform's address starting with http:// or https://, such as https://zhuqi.example.gov.cn/"
    ),
    "该部门不在您的辖区内": "That department is outside your jurisdiction",
    "该地区不在您的辖区内": "That region is outside your jurisdiction",
    "未设平台地址，消息不带链接": "No platform address: its messages carry no link",
}
ENGLISH.update(ROBOTS_ENGLISH)


# Joint handling of a common problem (联合办理, issue 17).
JOINT_ENGLISH = {
    "发起联合办理": "Open a joint handling",
    "多家企业的同类诉求由一个牵头部门统一办理、统一答复；每件诉求仍是该企业自己的事项，答复发到各自的诉求，由各企业分别评价。": (
        "Similar demands of several enterprises are handled and answered once by one lead department; "
        "each demand stays its enterprise's own case, gets the answer there and is rated by its "
        "enterprise."
    ),
    "纳入": "Include",
    "请从共性问题页面的分组发起联合办理": "Open a joint handling from a group on the common problems page",
    "不填则按时限规则计算，各诉求时限一致": "Empty: by the deadline rules, the same for every demand",
    "政策性问题": "Policy question",
    "联合办理": "Joint handling",
    "部门无法逐件解决、需要政策调整的共性问题，供制定和完善政策时研究。": (
        "Common problems no department can solve case by case and that need a policy change, for "
        "those who make and improve the policies."
    ),
    "诉求数": "Demands",
    "政策性问题说明": "Policy question note",
    "没有标记为政策性问题的联合办理": "No joint handling is marked as a policy question",
    "没有联合办理": "No joint handlings",
    "发起时间": "Opened",
    "移出": "Take out",
    "移出理由": "Reason for taking it out",
    "加入诉求（编号）": "Add a demand (number)",
    "加入": "Add",
    "操作将同时作用于每件诉求：每家企业的诉求各自记录、各自通知。": (
        "A step applies to every demand: each enterprise's demand records it and is told of it on its own."
    ),
    "答复将发到每家企业各自的诉求，由各企业分别评价": (
        "The answer goes to each enterprise's own demand, and each enterprise rates it"
    ),
    "已标记为政策性问题，列入政策性问题清单。": "Marked as a policy question and listed among the policy questions.",
    "取消标记": "Unmark",
    "标记为政策性问题": "Mark as a policy question",
    "部门无法逐件解决的原因，需要怎样的政策": "Why no department can solve it case by case, and what policy it needs",
    "您的诉求与其他企业的同类诉求一并办理，答复将在本页告知，请您对答复单独评价。": (
        "Your demand is handled together with similar demands of other enterprises. The answer "
        "will be shown on this page; please rate it for yourself."
    ),
    "已发起联合办理：%(title)s": "Joint handling opened: %(title)s",
    "该联合办理刚被他人处理过，页面已显示最新状态；您填写的内容保留在下面，请确认后再提交": (
        "Someone has just acted on this joint handling. The page shows it as it is now, with what you "
        "typed kept below: check it and submit again."
    ),
    "该联合办理刚被他人处理过，请查看最新状态后再操作": (
        "Someone has just acted on this joint handling: read it again and try once more"
    ),
    "已加入联合办理": "Added to the joint handling",
    "已移出联合办理": "Taken out of the joint handling",
    "政策性问题标记已保存": "Policy question mark saved",
    "诉求编号": "Demand number",
    "已退出联合办理": "Left the joint handling",
    "加入联合办理": "Joined a joint handling",
    "退出联合办理": "Left the joint handling",
    "加入成员": "Demand added",
    "移出成员": "Demand taken out",
    "成员转为单独办理": "Demand handled alone again",
    "政策性问题标记": "Policy question mark",
    "标记为政策性问题的时间": "Marked as a policy question",
    "发起人": "Opened by",
}
ENGLISH.update(JOINT_ENGLISH)
JOINT_PLURAL_ENGLISH = {
    "%(n)s 件诉求": ("%(n)s demand", "%(n)s demands"),
    "本诉求与其他 %(n)s 家企业的同类诉求联合办理": (
        "This demand is handled jointly with similar demands of %(n)s other enterprise",
        "This demand is handled jointly with similar demands of %(n)s other enterprises",
    ),
}

# The workbench's 待我处理 counts each joint handling waiting on the user once.
JOINTFIX_ENGLISH = {
    "其中联合办理 %(n)s 项": "%(n)s of them joint handlings",
}
ENGLISH.update(JOINTFIX_ENGLISH)


# The walk through issue 17's pages as new users (empty states, hints, refusals not offered).
WALK_ENGLISH = {
    "尚未配置群机器人：在下方“新增”中填写群里复制的机器人地址，事项的交办、答复等通知即会发到该群。": (
        "No group robot yet: under Add below, paste the robot address copied from the group, and the "
        "group gets the notices of assignments, answers and the like."
    ),
    "将显示在每家企业的诉求页面上：请用一句话概括这个共性问题，不要写企业名称": (
        "Shown on each enterprise's demand page: sum up the common problem in one sentence, "
        "without naming any enterprise"
    ),
    "尚未答复：牵头部门答复后，答复发到每家企业各自的诉求页面。": (
        "Not answered yet: the lead department's answer goes to each enterprise's own demand page."
    ),
    "重新启用": "Re-enable",
    "没有符合条件的共性问题。已在联合办理中的诉求不再列出（见“联合办理”）；也可减少“至少涉及企业数”再查。": (
        "No common problem matches. Demands already handled jointly are not listed (see Joint "
        "handling); or try a smaller number of enterprises."
    ),
    "可不选；按住 Ctrl（Mac 为 ⌘）可选多个": "Optional; hold Ctrl (⌘ on a Mac) to choose several",
    "查看联合办理": "Open the joint handling",
    "可纳入的诉求不足两件（原因见各诉求下方），无法发起联合办理。": (
        "Fewer than two of these demands can be included (the reason is under each), so no joint "
        "handling can be opened."
    ),
    "没有联合办理。联合办理从“共性问题”页面的分组发起：多家企业的同类诉求由一个牵头部门统一答复。": (
        "No joint handlings. One is opened from a group on the common problems page: similar "
        "demands of several enterprises answered once by one lead department."
    ),
    "没有标记为政策性问题的联合办理。牵头部门或营商办在联合办理页面标记后，会列在这里。": (
        "No joint handling is marked as a policy question. Once the lead department or the "
        "business office marks one on its page, it is listed here."
    ),
}
ENGLISH.update(WALK_ENGLISH)

REVIEW_ENGLISH = {
    "只能填企业微信或钉钉的机器人地址；其他地址（如内网中转）请系统管理员配置": (
        "Only a WeCom or DingTalk robot address; any other (an intranet relay, say) is set by a system administrator"
    ),
}
ENGLISH.update(REVIEW_ENGLISH)

LISTPAGES_ENGLISH = {
    # A long list's count stops at 1,000: "Page 1, 1,000+ in all", and a link to the exact figure.
    "第 %(number)s 页，共 %(total)s 条": "Page %(number)s, %(total)s in all",
    "计算确切条数": "Count them exactly",
}
ENGLISH.update(LISTPAGES_ENGLISH)


SEARCH_ENGLISH = {
    # The visits list's search box searches the summary too (the word index), not only the title.
    "标题或概要中的词语": "Words in the title or summary",
    # The cases' and projects' boxes search every text the word index holds, not only the names.
    "事项内容、企业名称或 #编号": "Words, enterprise or #number",
    "项目名称、单位、内容或代码": "Name, owner, content or code",
}
ENGLISH.update(SEARCH_ENGLISH)


POLICIES_ENGLISH = {
    "惠企政策": "Relief policies",
    "我的政策": "My policies",
    "政策兑现": "Deliveries",
    "政策直达统计": "Policy reach figures",
    "成立日期": "Founded on",
    "营业执照上的成立日期": "The founding date on the business licence",
    "资质认定": "Recognitions",
    "资质": "Recognition",
    "认定日期": "Recognised on",
    "有效期至": "Valid until",
    "高新技术企业": "High-tech enterprise",
    "科技型中小企业": "Technology-based SME",
    "创新型中小企业": "Innovative SME",
    "专精特新中小企业": "Specialised and innovative SME",
    "专精特新“小巨人”企业": "“Little giant” specialised and innovative enterprise",
    "制造业单项冠军企业": "Manufacturing single champion",
    "瞪羚企业": "Gazelle enterprise",
    "农业产业化龙头企业": "Leading agricultural enterprise",
    "长期": "No end date",
    "已过期": "Expired",
    "未登记资质认定": "No recognitions recorded",
    "选择“—”即删除该项；有效期至留空表示长期有效。": "Choose “—” to remove a row; leave “valid until” empty for no end date.",
    "保存资质认定": "Save recognitions",
    "资质认定已保存": "Recognitions saved",
    "按政策": "By policy",
    "按兑现部门": "By delivering department",
    "按企业所在地区": "By the enterprises’ region",
    "适用条件（JSON）": "Eligibility rule (JSON)",
    "适用条件第 %(row)s 行": "Eligibility rule, row %(row)s",
    "适用条件（JSON）无法读取，请检查括号和引号": "The eligibility rule (JSON) cannot be read: check its brackets and quotes",
    "反映类型": "What happened",
    "情况说明": "Details",
    "减税降费": "Tax and fee relief",
    "融资担保": "Financing and guarantees",
    "稳岗就业与社保补贴": "Employment and social-insurance subsidies",
    "房租减免": "Rent relief",
    "水电气费用": "Utilities",
    "科技创新": "Technology and innovation",
    "市场开拓": "Market expansion",
    "产业发展与技术改造": "Industrial development and upgrading",
    "依申请兑现": "On application",
    "免申即享": "Granted without application",
    "草稿": "Draft",
    "已发布": "Published",
    "已废止": "Withdrawn",
    "符合条件": "Eligible",
    "可能符合": "Possibly eligible",
    "已告知": "Notified",
    "已申报": "Applied",
    "已兑现": "Granted",
    "未通过": "Refused",
    "平台推送": "Platform notice",
    "短信": "Text message",
    "上门宣讲": "Visit",
    "政策宣讲会": "Briefing session",
    "未享受到政策": "Did not receive the policy",
    "申请政策遇到困难": "Cannot get the policy",
    "营业收入": "Revenue",
    "成立年限": "Years since founding",
    "人": "persons",
    "年": "years",
    "规下企业": "Below designated size",
    "同时满足以下全部条件": "All of the following",
    "满足以下任一条件": "Any of the following",
    "条件": "Condition",
    "结果": "Result",
    "缺少数据": "No data",
    "满足": "Met",
    "不满足": "Not met",
    "无法判断": "Cannot tell",
    "可由%(who)s": "Can be supplied by: %(who)s",
    "不设条件": "No conditions",
    "政策目录": "Catalogue",
    "兑现进度": "Delivery",
    "告知渠道": "Channel",
    "政策": "Policy",
    "告知": "Notified",
    "名单外": "Not on the match list",
    "登记进度": "Record progress",
    "登记为": "Record as",
    "兑现金额（万元）": "Amount granted (10k yuan)",
    "尚未告知任何企业": "No enterprise notified yet",
    "修改政策与适用条件": "Edit the policy and its rule",
    "发文机关": "Issued by",
    "文号": "Document number",
    "发布日期": "Published on",
    "执行期": "In force",
    "适用地区": "Applies in",
    "兑现部门": "Delivering department",
    "支持标准": "Support",
    "单户上限": "Cap per enterprise",
    "支持内容": "Benefit",
    "企业需要做什么": "What the enterprise must do",
    "适用条件": "Eligibility",
    "不设条件：适用地区内的企业均可享受": "No conditions: every enterprise where it applies qualifies",
    "本企业是否符合": "Does your enterprise qualify",
    "可能符合：部分信息缺失": "Possibly eligible: some data missing",
    "不在匹配名单内": "Not on the match list",
    "没有享受到，或申请遇到困难？": "Did not receive it, or cannot get it?",
    "什么时候、向哪个部门申请、遇到了什么问题": "When, to which department you applied, and what went wrong",
    "匹配企业": "Matched enterprises",
    "匹配结果更新于 %(when)s": "Matched at %(when)s",
    "尚未匹配：后台正在计算": "Not matched yet: being computed in the background",
    "有条件因企业信息缺失无法判断": "Some condition cannot be decided for lack of data",
    "立即重新匹配": "Match again now",
    "告知全部符合条件的企业": "Notify every eligible enterprise",
    "匹配结果": "Match",
    "没有匹配的企业": "No enterprise matches",
    "兑现情况": "Deliveries",
    "统计方式": "Group by",
    "发布年度": "Year published",
    "符合条件企业": "Eligible enterprises",
    "触达率": "Reach rate",
    "发布到首笔兑现（天）": "Days to first grant",
    "企业反映": "Demands raised",
    "没有符合条件的政策": "No policy matches",
    "口径说明": "Definitions",
    "修改政策": "Edit policy",
    "登记政策": "Register a policy",
    "登记惠企政策": "Register a relief policy",
    "政策名称": "Policy title",
    "如：内政办发〔2022〕12号": "e.g. 内政办发〔2022〕12号",
    "执行开始日期": "In force from",
    "执行截止日期": "In force until",
    "政策类别": "Category",
    "兑现方式": "How it is granted",
    "补助金额（万元）": "Amount (10k yuan)",
    "比例（%%）": "Rate (%%)",
    "单户上限（万元）": "Cap per enterprise (10k yuan)",
    "申报方式": "How to apply",
    "企业需要做什么、向谁申报、带什么材料": "What the enterprise must do, to whom it applies, with which papers",
    "政策原文": "Full text",
    "从政策原文起草适用条件": "Draft the rule from the full text",
    "粘贴原文后点击，读出的营业收入、从业人员、行业、规模、资质等条件会填入上方，保存前请核对": "Paste the text and click: revenue, employees, industry, size and recognition conditions read from it fill the rows above; check them before saving",
    "已从政策原文起草以下条件，请逐条核对后保存": "These conditions were drafted from the full text: check each before saving",
    "组合方式": "Combine",
    "比较": "Comparison",
    "值": "Value",
    "属于": "is one of",
    "值的写法：行业填国民经济行业代码或门类字母（如 C 制造业、51 批发业，多个用顿号分隔）；地区填行政区划代码（含下辖地区）；规模填 大型、中型、小型、微型；资质填 高新技术企业、专精特新中小企业、专精特新“小巨人”企业 等；从业人员填人数，营业收入填万元，成立年限填整年。信息缺失的企业列为“可能符合”。": "Values: industries as GB/T 4754 codes or section letters (C manufacturing, 51 wholesale; several separated by 、); regions as GB/T 2260 codes (with what lies under them); size as 大型, 中型, 小型, 微型; recognitions as 高新技术企业, 专精特新中小企业, 专精特新“小巨人”企业 …; employees in persons, revenue in 10k yuan, years since founding in whole years. Enterprises missing a value are listed as possibly eligible.",
    "高级：多层条件组（JSON）": "Advanced: nested groups (JSON)",
    "上面的条件行为空时，按这里的 JSON 保存。": "When the rows above are empty, this JSON is saved.",
    "政策名称、文号或内容": "Title, document number or content",
    "有效性": "Validity",
    "执行中": "In force",
    "未生效或已过期": "Not yet or no longer in force",
    "不在执行期": "Not in force",
    "根据%(name)s在平台登记的信息，以下执行中的政策适用于贵企业。每条政策列出了适用条件和贵企业的情况；信息缺失的，补充后即可确认。": "From what the platform holds about %(name)s, these policies in force apply to you. Each lists its conditions and your enterprise's values; where a value is missing, supply it to confirm.",
    "部门已推送": "Sent by the department",
    "免申即享，无需申报，由部门直接兑现。": "Granted without application: the department grants it directly.",
    "为什么适用于本企业": "Why it applies to you",
    "暂无适用于贵企业的执行中政策": "No policy in force applies to your enterprise yet",
    "只有营商办（专班）和系统管理员可以登记惠企政策": "Only the business-environment office and administrators can register relief policies",
    "没有从政策原文中读出适用条件，请逐条填写": "No condition could be read from the text: fill in the rows",
    "政策已保存，正在后台匹配企业": "Policy saved; enterprises are being matched in the background",
    "只有营商办（专班）和系统管理员可以重新匹配政策": "Only the business-environment office and administrators can re-match a policy",
    "已重新匹配：%(count)s 家企业符合或可能符合": "Matched again: %(count)s enterprises eligible or possibly eligible",
    "已告知 %(count)s 家企业": "%(count)s enterprises notified",
    "%(name)s：已登记": "%(name)s: recorded",
    "已提交诉求，营商办将受理并交办": "Demand submitted: the office will accept and assign it",
    "年度有误：如 2022": "Wrong year: e.g. 2022",
    "适用的惠企政策": "Relief policies that apply",
    "尚未告知": "Not notified yet",
    "已过执行期": "No longer in force",
    "政策名称、文号或关键词": "Title, document number or words",
    "%(day)s 起，长期有效": "From %(day)s, no end date",
    "至 %(day)s": "Until %(day)s",
    "比例": "Rate",
    "不符合适用条件": "Not eligible",
    "企业反映的政策性问题": "Policy questions raised by enterprises",
    "联合办理中标记为政策性问题的共性诉求：需要出台或调整政策解决。": "Common demands marked as policy questions in joint handlings: they need a new or changed policy.",
    "企业提到的政策可从政策库选择；政策库中没有的，照实填写。": "Pick the policies the enterprise names from the catalogue; write down those the catalogue lacks.",
    "从政策库选择已享受的政策": "Policies received, from the catalogue",
    "从政策库选择不了解的政策": "Policies not known, from the catalogue",
    "从政策库选择未能享受的政策": "Policies not obtained, from the catalogue",
    "导入兑现台账（Excel）": "Import a delivery list (Excel)",
    "修改资质认定": "Change the recognitions",
    "下载政策原文附件": "Download the published document",
    "另有 %(count)s 户，在政策兑现页查看全部": "%(count)s more: see them all on the deliveries page",
    "原文附件": "Published document",
    "已上传：%(name)s；重新选择则替换": "Uploaded: %(name)s; choose another to replace it",
    "每行一户：政策（文号或名称）、统一社会信用代码或企业名称、兑现状态（已告知、已申报、已兑现、未通过）、告知渠道、告知日期、申报日期、兑现日期、兑现金额(万元)、未通过原因、不在匹配名单内的原因、备注。已登记的只能向前推进；有一处错误则整份不导入，并指出行和列。": "One enterprise a row: the policy (document number or title), the credit code or the enterprise's name, the state (已告知, 已申报, 已兑现, 未通过), channel, dates notified, applied and granted, amount granted (10k yuan), reason refused, reason for an enterprise off the match list, note. A recorded delivery only moves forward; one bad cell and nothing is imported, with each row and column named.",
    "请选择要导入的 Excel 文件": "Choose the Excel file to import",
    "未导入：%(errors)s": "Nothing imported: %(errors)s",
    "；另有 %(count)s 处": "; %(count)s more",
    "已导入 %(rows)s 行：新登记 %(created)s，推进 %(updated)s，无变化 %(unchanged)s": "%(rows)s rows imported: %(created)s new, %(updated)s moved forward, %(unchanged)s unchanged",
}
ENGLISH.update(POLICIES_ENGLISH)


CHAIN_PAGES_ENGLISH = {
    "产业链": "Industrial chains",
    "重点产业链": "Key industrial chains",
    "各条产业链的链上企业、产值、缺口环节和推进情况并列比较；点击表头排序，点击链名进入链长工作页。": "The chains side by side: member enterprises, output value, gaps and progress. Click a heading to sort, a chain's name to open its chief's page.",
    "导出 Excel": "Export to Excel",
    "指标口径": "Definitions",
    "链长": "Chain chief",
    "牵头部门": "Lead department",
    "还没有产业链": "No chains yet",
    "企业": "Enterprise",
    "环节": "Segment",
    "链上地位": "Role in the chain",
    "主要产品": "Main products",
    "产值（万元）": "Output value (10k yuan)",
    "从业人员": "Employees",
    "规上企业": "Above designated size",
    "是": "Yes",
    "否": "No",
    "暂无企业": "No enterprises",
    "显示全部": "Show all",
    "所属产业链": "Industrial chains",
    "维护": "Keep",
    "所属地区": "Region",
    "副链长": "Deputy chiefs",
    "主要指标": "Key figures",
    "链上企业（户）": "Member enterprises",
    "规上企业（户）": "Above designated size",
    "从业人员（人）": "Employees",
    "链上企业未办结诉求": "Open cases of member enterprises",
    "其中逾期": "of which late",
    "按链上地位": "By role",
    "产业链全景图": "Chain panorama",
    "显示关联客户与供应关系": "Show customer and supplier links",
    "点击企业打开企业页；点击红色虚线框的缺口环节登记招商目标。用鼠标滚轮缩放、拖动平移；手机上左右滑动查看。": "Click an enterprise to open its page; click a gap (dashed red box) to add an investment target for it. Zoom with the mouse wheel and drag to pan; on a phone, swipe sideways.",
    "缺口环节": "Gaps",
    "类别": "Kind",
    "缺口原因": "Why it is a gap",
    "招商": "Investment",
    "登记招商目标": "Add an investment target",
    "没有缺口环节：每个环节都有本地企业，且产值不低于薄弱线": "No gaps: every segment has local enterprises and an output value at or above the weak line",
    "链主和龙头企业": "Chain-owner and leading enterprises",
    "配套企业": "Supporting enterprises",
    "导出全部链上企业": "Export all member enterprises",
    "导出关联客户库": "Export the customer and supplier links",
    "责任部门": "Responsible department",
    "进展": "Status",
    "进展情况": "Progress",
    "暂无事项": "No items",
    "指标": "Measure",
    "年度目标": "Yearly goals",
    "已完成": "Done",
    "完成进度": "Progress",
    "暂无数据": "No data yet",
    "正在加载全景图…": "Loading the panorama…",
    "全景图加载失败，请刷新重试": "The panorama could not be loaded; reload the page to try again",
    "环节 {segments} 个，其中缺口 {gaps} 个；链上企业 {members} 户": "{segments} segments, {gaps} of them gaps; {members} member enterprises",
    "；关联关系 {links} 条，链外企业 {outside} 户": "; {links} links, {outside} enterprises outside the chain",
    "相关模块尚未提供这项数据": "No part of the system supplies this figure yet",
    "缺口环节（共 %(n)s 个环节）": "Gaps (of %(n)s segments)",
    "%(year)s 年度目标": "Goals for %(year)s",
    "尚未设定 %(year)s 年目标": "No goals set for %(year)s",
    "锻长板清单": "Strengths to build",
    "补短板清单": "Weak links to close",
    "关键产品技术攻关清单": "Key products and technologies to master",
    "修改基本信息": "Edit details",
    "链上企业": "Member enterprises",
    "关联客户": "Customers and suppliers",
    "清单": "Lists",
    "新建产业链": "New chain",
    "从模板导入": "Load from a template",
    "本地无企业": "No local enterprise",
    "产值 %(output)s 万元，低于 %(line)s 万元": "Output value %(output)s (10k yuan), under %(line)s",
    "链主企业": "Chain owner",
    "龙头企业": "Leading enterprise",
    "其他企业": "Other enterprise",
    "主链环节": "Main segment",
    "配套环节": "Supporting segment",
    "链外企业": "Outside the chain",
    "缺口": "Gap",
    "点击登记招商目标": "Click to add an investment target",
    "点击打开企业页": "Click to open the enterprise's page",
    "产品": "Product",
    "年供应量": "Annual volume",
    "供应": "Supplies",
    "链外供应方": "Suppliers outside the chain",
    "链外客户": "Customers outside the chain",
    "未办结诉求": "Open cases",
    "逾期诉求": "Late cases",
    "在本链各环节登记的企业户数，一户企业在多个环节只计一次": "Enterprises placed in the chain's segments, each counted once however many segments it is in",
    "链上企业中的规模以上企业户数（以企业名录为准）": "Member enterprises above designated size (as the enterprise registry records it)",
    "链上企业在本链各环节登记的产值之和": "The output values recorded for the members in the chain's segments, summed",
    "链上企业从业人员之和（以企业名录为准），每户只计一次": "Employees of the member enterprises (from the registry), each enterprise counted once",
    "本地没有企业的环节，以及链上企业产值低于薄弱线的环节": "Segments with no local enterprise, and those whose members' output is under the weak line",
    "链上企业提出、尚未办结的诉求和事项件数（您可查看范围内）": "Cases of member enterprises not yet closed (those you may see)",
    "其中已超过办理时限的件数，口径与办理统计的“逾期”相同": "Of those, the ones past their deadline, counted as the case figures count late cases",
    "签约投资额（万元）": "Investment signed (10k yuan)",
    "落地项目（个）": "Projects landed",
    "到位资金（万元）": "Funds in place (10k yuan)",
    "新增规上企业（户）": "New members above designated size",
}
ENGLISH.update(CHAIN_PAGES_ENGLISH)


CHAIN_EDIT_ENGLISH = {
    "维护": "Keep",
    "新建产业链": "New chain",
    "基本信息": "Details",
    "产业链环节": "Segments",
    "链上企业": "Members",
    "关联客户库": "Customers and suppliers",
    "清单": "Lists",
    "年度目标": "Yearly goals",
    "维护产业链：%(name)s": "Keep the chain: %(name)s",
    "产业链": "Industrial chains",
    "已有产业链模板（YAML 或 Excel）时，可以": "With a chain template (YAML or Excel) at hand, you can",
    "从模板导入产业链及其环节": "load the chain and its segments from the template",
    "如：光伏装备产业链": "e.g. 光伏装备产业链 (photovoltaic equipment)",
    "如：市委副书记、市长": "e.g. Deputy Party Secretary and Mayor",
    "所属地区、链长和牵头部门由营商办（专班）调整。": "The region, the chain chief and the lead department are changed by the business-environment office.",
    "产业基础、发展目标、主攻方向": "Industrial base, goals, main directions",
    "环节内企业产值合计低于此数即列为薄弱环节（补短板）；不填则只把没有本地企业的环节列为缺失环节": "A segment whose members' output adds up to less than this is listed as weak (a link to strengthen); left blank, only segments with no local member are listed as gaps",
    "在产业链列表中的顺序，小的在前": "Order in the list of chains, smallest first",
    "保存": "Save",
    "每年的招商和产业目标；完成情况按协议、项目和链上企业计算，在产业链页面上显示。": "Each year's investment and industry targets; progress is computed from agreements, projects and members and shown on the chain's page.",
    "年度": "Year",
    "签约投资额目标（万元）": "Investment signed target (10k CNY)",
    "落地项目数目标": "Projects landed target",
    "到位资金目标（万元）": "Funds in place target (10k CNY)",
    "新增规上企业数目标": "New above-scale enterprises target",
    "修改": "Edit",
    "还没有设定年度目标": "No yearly goals set yet",
    "设定年度目标": "Set a year's goals",
    "留空表示不设该项目标。": "Leave a figure blank to set no target for it.",
    "保存目标": "Save goals",
    "取消": "Cancel",
    "%(year)s 年": "%(year)s",
    "修改 %(year)s 年目标": "Edit the goals for %(year)s",
    "链长“一图N清单”中的三张清单：锻长板、补短板、关键产品技术攻关。": 'The three lists of the chain chief\'s "one map, N lists": strengths to build, weak links to strengthen, key products and technologies to tackle.',
    "环节": "Segment",
    "责任部门": "Responsible department",
    "进展": "Status",
    "进展情况": "Progress",
    "删除": "Delete",
    "暂无": "None",
    "添加": "Add",
    "添加清单事项": "Add a list item",
    "（不限环节）": "(any segment)",
    "确定删除“%(title)s”？": 'Delete "%(title)s"?',
    "修改：%(title)s": "Edit: %(title)s",
    "本地": "Local",
    "外地": "Outside",
    "谁向谁供应什么：供应方 → 客户。两端之一须是本地企业；外地企业写名称，知道时写统一社会信用代码。": "Who supplies what to whom: supplier → customer. At least one end is a local enterprise; an outside one is written by name, with its unified social credit code when known.",
    "添加关联客户": "Add a customer or supplier",
    "供应方": "Supplier",
    "客户": "Customer",
    "产品": "Product",
    "年供应量": "Annual volume",
    "备注": "Note",
    "确定删除这条关联？": "Delete this link?",
    "还没有关联客户：在下面添加": "No customers or suppliers yet: add them below",
    "修改关联": "Edit the link",
    "或外地企业：": "Or an outside enterprise:",
    "如：吨、万片、兆瓦": "e.g. t, 10k pieces, MW",
    "添加关联": "Add the link",
    "从模板导入产业链": "Load a chain from a template",
    "模板是一个 YAML 文件（.yaml、.yml）或 Excel 工作簿（.xlsx），写明产业链名称、简介和从上游到下游的环节。先预览环节树，核对无误后再建立；模板有错时会指出所在的行。": "A template is a YAML file (.yaml, .yml) or an Excel workbook (.xlsx) giving the chain's name, description and segments from upstream to downstream. Preview the segment tree first and create the chain once it is right; an error in the template is named by its line or row.",
    "下载空白模板（Excel）": "Download the blank template (Excel)",
    "或选用内置模板": "Or use a built-in template",
    "不上传文件时使用；建立前可先预览": "Used when no file is uploaded; preview it before creating",
    "模板中没有环节": "The template has no segments",
    "预览环节": "Preview the segments",
    "建立产业链": "Create the chain",
    "已读取：%(name)s；重新选择文件则替换": "Read: %(name)s; choose another file to replace it",
    "预览：%(name)s（%(segments)s 个环节）": "Preview: %(name)s (%(segments)s segments)",
    "全部环节": "All segments",
    "筛选": "Filter",
    "添加链上企业": "Add a member",
    "企业": "Enterprises",
    "链上地位": "Role in the chain",
    "产值（万元）": "Output (10k CNY)",
    "产值年度": "Output year",
    "从业人员": "Employees",
    "规上企业": "Above scale",
    "主要产品": "Main products",
    "配套环节": "Supporting segment",
    "是": "Yes",
    "否": "No",
    "移出": "Remove",
    "还没有链上企业：在下面添加": "No members yet: add them below",
    "从业人员和是否规上取自企业名录；产值为企业在本产业链的产值。": "Employees and above-scale status come from the enterprise registry; the output is the enterprise's output in this chain.",
    "加入产业链": "Add to the chain",
    "确定将%(name)s移出“%(segment)s”？": 'Remove %(name)s from "%(segment)s"?',
    "修改：%(name)s": "Edit: %(name)s",
    "薄弱": "Weak",
    "缺失": "Missing",
    "%(members)s 家企业": "%(members)s enterprises",
    "产值 %(output)s 万元": "output %(output)s (10k CNY)",
    "确定删除环节“%(name)s”？": 'Delete the segment "%(name)s"?',
    "环节（上游 → 下游）": "Segments (upstream → downstream)",
    "还没有环节。可以在下面逐个添加，或": "No segments yet. Add them one by one below, or",
    "从模板导入": "load them from a template",
    "添加环节": "Add a segment",
    "（无：最上游环节）": "(none: the first upstream segment)",
    "同一上游下的先后，小的在前": "Order under the same upstream segment, smallest first",
    "不填则用产业链的薄弱环节产值线": "Left blank, the chain's weak-output line applies",
    "环节从上游到下游排列：每个主链环节写在它的上游环节之下；配套环节（如光伏玻璃、逆变器）挂在它所配套的环节之下。共 %(count)s 个环节。": "Segments run from upstream to downstream: each main segment stands under the segment upstream of it; a supporting segment (photovoltaic glass, inverters) hangs under the segment it supplies. %(count)s segments in all.",
    "修改环节：%(name)s": "Edit the segment: %(name)s",
    "只有本级营商办（专班）、链长和牵头部门可以维护这条产业链": "Only the business-environment office of its region, the chain chief and the lead department may keep this chain",
    "只有营商办（专班）和系统管理员可以新建产业链": "Only the business-environment office and administrators may create chains",
    "未保存：%(reason)s": "Not saved: %(reason)s",
    "产业链已建立，请添加它的环节": "The chain is created: now add its segments",
    "产业链信息已保存": "The chain's details are saved",
    "环节已添加": "Segment added",
    "环节已保存": "Segment saved",
    "已删除环节“%(name)s”": 'Deleted the segment "%(name)s"',
    "企业已加入产业链": "The enterprise is added to the chain",
    "%(name)s：已保存": "%(name)s: saved",
    "已将%(name)s移出“%(segment)s”": 'Removed %(name)s from "%(segment)s"',
    "关联客户已添加": "Link added",
    "关联客户已保存": "Link saved",
    "已删除关联：%(link)s": "Deleted the link: %(link)s",
    "清单事项已添加": "List item added",
    "清单事项已保存": "List item saved",
    "已删除清单事项“%(title)s”": 'Deleted the list item "%(title)s"',
    "%(year)s 年的目标已经设定，请在上表中点“修改”": 'The goals for %(year)s are already set: use "Edit" in the table above',
    "未保存：%(year)s 年的目标已经设定": "Not saved: the goals for %(year)s are already set",
    "%(year)s 年目标已保存": "Goals for %(year)s saved",
    "“%(name)s”超过 %(size)s KB，不是产业链模板": '"%(name)s" is over %(size)s KB: not a chain template',
    "请选择模板文件（.yaml、.yml 或 .xlsx）": "Choose a template file (.yaml, .yml or .xlsx)",
    "模板中的环节“%(name)s”": 'The template\'s segment "%(name)s"',
    "模板文件": "Template file",
    "未建立：%(reason)s": "Not created: %(reason)s",
    "已按模板建立“%(name)s”，共 %(count)s 个环节": 'Created "%(name)s" from the template, %(count)s segments',
    "本地供应方": "Local supplier",
    "本地客户": "Local customer",
    "内置模板": "Built-in template",
}
ENGLISH.update(CHAIN_EDIT_ENGLISH)


PROJECTS_CHAIN_ENGLISH = {
    "所属产业链": "Industrial chain",
    "所属产业链（原文）": "Industrial chain (as written)",
    "产业链未匹配": "Chain not matched",
    "只看未匹配的": "Unmatched only",
    "以下产业链名称没有对应的产业链": "These chain names match no industrial chain",
    "项目填写的产业链名称在建设地点及其上级地区的产业链中找不到（或对应多条）。产业链建立后，可把写作该名称的项目一并关联。": "The chain written on these projects names no chain of the project's region or the regions above it (or names several). Once the chain exists, link every project written so at once.",
    "填写的名称": "Name as written",
    "项目数": "Projects",
    "关联到产业链": "Link to chain",
    "请选择": "Choose",
    "关联": "Link",
    "尚未建立产业链": "No chain set up yet",
    "没有对应的产业链": "Matches no industrial chain",
    "未匹配": "Unmatched",
    "未匹配产业链": "Chain not matched",
    "（不归入产业链）": "(no industrial chain)",
    "原填写“%(name)s”，没有对应的产业链；选择产业链后替换": "Written as “%(name)s”, which matches no chain; picking a chain replaces it",
    "已将 %(n)s 个写作“%(name)s”的项目关联到所选产业链": "Linked %(n)s projects written “%(name)s” to the chain picked",
    "重点项目库": "Key-project library",
    "总投资（万元）": "Total investment (10k yuan)",
    "累计完成投资（万元）": "Investment completed to date (10k yuan)",
    "累计完成（万元）": "Completed to date (10k yuan)",
    "项目": "Project",
    "阶段": "Stage",
    "还没有项目归入本产业链。": "No project belongs to this chain yet.",
    "在重点项目库中查看本链全部项目（另有 %(n)s 个）": "See all of this chain's projects in the key-project library (%(n)s more)",
    "在重点项目库中查看本链项目": "See this chain's projects in the key-project library",
    "重点项目": "Key projects",
    "开工在建及以后": "Started or beyond",
    "本年落地项目": "Projects landed this year",
    "项目累计完成投资": "Project investment completed",
    "万元": "10k yuan",
    "所属产业链为本链的重点项目数，不含已取消的项目": "Key projects whose chain is this one, cancelled ones excluded",
    "处于开工在建、竣工或投产阶段的项目数；停缓建和取消的不计": "Projects under construction, completed or producing; suspended and cancelled ones not counted",
    "落地即开工：实际开工日期在本年内的项目数（含开工后竣工、投产或停缓建的），不含已取消的项目": "Landed means started: projects whose actual start date falls in this year (including those completed, producing or suspended since), cancelled ones excluded",
    "本链各重点项目累计完成投资之和（按最近一期进展报告），含已取消项目此前完成的投资": "The sum of the chain's key projects' investment completed to date (as of their latest progress report), including what cancelled projects completed before",
    "产业链": "Industrial chain",
    "任一产业链": "any chain",
    "无": "none",
    "可选的产业链：": "Chains you can name: ",
    "产业链填产业链名称，可再写链上地位（链主企业、龙头企业、配套企业、其他企业），如“光伏装备产业链、链主企业”；只写地位则为任一产业链中的该地位企业。": "For an industrial chain write its name, optionally followed by roles (chain owner, leading, supporting, other enterprise), e.g. “光伏装备产业链、链主企业”; roles alone mean that role in any chain.",
}
ENGLISH.update(PROJECTS_CHAIN_ENGLISH)


TARGETS_ENGLISH = {
    "修改招商目标": "Edit investment target",
    "登记招商目标": "Register an investment target",
    "招商地图": "Investment map",
    "环节": "Segment",
    "请选择环节": "Choose a segment",
    "缺口": "Gap",
    "目标企业": "Target enterprise",
    "所在地": "Based in",
    "预计投资（万元）": "Expected investment (10k yuan)",
    "责任人": "Responsible official",
    "下一步工作": "Next step",
    "下一步时间": "Next step by",
    "已知时填写": "If known",
    "如：江苏省无锡市": "e.g. Wuxi, Jiangsu",
    "招商目标": "Investment targets",
    "产业链": "Industrial chain",
    "在谈目标": "Targets in progress",
    "已签约、已落地": "Signed or landed",
    "您的范围内还没有产业链": "No industrial chain in your scope yet",
    "状态变更于": "Status changed",
    "修改目标信息": "Edit target",
    "进展说明": "Progress note",
    "已放弃": "Dropped",
    "产业链 / 环节": "Chain / segment",
    "预计投资": "Expected investment",
    "推进": "Move forward",
    "新状态": "New status",
    "签约协议（改为“已签约”时必选）": "Agreement signed (required for “Signed”)",
    "落地项目（改为“已落地”时必选）": "Project landed (required for “Landed”)",
    "进展说明（放弃、重新启用时必填）": "Progress note (required to drop or take up again)",
    "更新状态": "Update status",
    "进展记录": "Timeline",
    "{{ chain }}招商地图": "Investment map of {{ chain }}",
    "缺什么补什么：每个缺口环节（本地无企业，或产值低于薄弱线）及其招商目标。": "Fill what is missing: each gap segment (no local enterprise, or output below the weak line) with its investment targets.",
    "缺口环节": "Gap segments",
    "尚无招商目标": "No investment target yet",
    "添加招商目标": "Add an investment target",
    "这条产业链暂无缺口环节": "This chain has no gap segment",
    "其他环节的招商目标": "Targets in other segments",
    "登记其他环节的招商目标": "Register a target in another segment",
    "所属产业链": "Industrial chain",
    "（不归入产业链）": "(no chain)",
    "请从产业链页面进入：缺少产业链": "Open this from a chain's page: no chain was given",
    "招商目标已登记": "Investment target registered",
    "招商目标已保存": "Investment target saved",
    "招商状态已更新": "Status updated",
    "本年签约投资额": "Investment signed this year",
    "本年签约、归入该产业链的合作协议金额之和（万元）": "Sum of the amounts of the chain's agreements signed this year (10k yuan)",
    "本年到位资金": "Funds in place this year",
    "归入该产业链的合作协议本年到位日期的到位资金之和（万元）": "Sum of the funds in place dated this year on the chain's agreements (10k yuan)",
    "在谈招商目标": "Open targets",
    "已识别、已接洽、洽谈中的招商目标数（不含已签约、已落地、已放弃）": "Targets identified, contacted or in negotiation (not signed, landed or dropped)",
    "已签约招商目标": "Targets signed",
    "已签约和已落地的招商目标数": "Targets signed or landed",
    "已识别": "Identified",
    "已接洽": "Contacted",
    "洽谈中": "Negotiating",
    "已签约": "Signed",
    "已落地": "Landed",
    "协议名称或签约对方": "Agreement title or other party",
    "招商状态": "Status",
    "状态变更时间": "Status changed at",
    "更新时间": "Updated at",
    "登记人": "Registered by",
    "只有本级营商办（专班）、链长和产业链牵头部门可以登记招商目标": "Only the business-environment office, the chain's chief and its lead department may register investment targets",
    "只有本级营商办（专班）、链长、产业链牵头部门和目标的责任部门可以维护招商目标": "Only the business-environment office, the chain's chief, its lead department and the target's department may keep investment targets",
    "签约须选择所签的合作协议": "Choose the agreement signed",
    "落地须选择落地的项目": "Choose the project it landed as",
}
ENGLISH.update(TARGETS_ENGLISH)


CHAINS_LEAD_ENGLISH = {
    "锻长板": "Strengths to build",
    "补短板": "Weak links to close",
    "关键产品技术攻关": "Key products and technologies to master",
    "谋划中": "Being planned",
    "推进中": "Under way",
    "%(chain)s招商地图": "Investment map of %(chain)s",
    "我任链长": "I am its chief",
    "我任副链长": "I am a deputy chief",
    "已签约（协议不在您的查看范围内）": "Signed (the agreement is outside what you may see)",
    "已落地（项目不在您的查看范围内）": "Landed (the project is outside what you may see)",
    "只显示前 %(n)s 户；全部请导出 Excel。": "Only the first %(n)s shown; export to Excel for all.",
    # Reports (ingest)
    "待确认": "Awaiting confirmation",
    "已确认": "Confirmed",
    "已舍弃": "Discarded",
    "重复": "Duplicate",
    "中文": "Chinese",
    "英文": "English",
    "缺失或薄弱环节": "Missing or weak segments",
    "近一周：": "Last 7 days: ",
    "新入链企业 %(n)s 家": "%(n)s enterprises joined",
    "等": "and others",
    "移出 %(n)s 家": "%(n)s left",
    "新增关联客户 %(n)s 条": "%(n)s customer/supplier links added",
    "清单更新 %(n)s 项": "%(n)s list lines updated",
}
ENGLISH.update(CHAINS_LEAD_ENGLISH)


# One English word per Chinese word across the chain pages (the helpers' dictionaries disagreed,
# and the older pages' words win where they had one).
CHAINS_AGREED_ENGLISH = {
    "企业": "Enterprises",
    "类别": "Category",
    "暂无": "None yet",
    "规上企业": "Above designated size",
    "移出": "Take out",
    "累计完成（万元）": "Done to date (10k yuan)",
    "链上企业": "Member enterprises",
    "产值（万元）": "Output value (10k yuan)",
    "从模板导入": "Load from a template",
    "所属产业链": "Industrial chain",
    "产业链": "Industrial chains",
    "登记招商目标": "Add an investment target",
    "缺口环节": "Gap segments",
    "（不归入产业链）": "(no industrial chain)",
    "清单事项": "List line",
}
ENGLISH.update(CHAINS_AGREED_ENGLISH)


INGEST_ENGLISH = {
    "文件名，或 api（接口提交）": "The file name, or api (posted through the API)",
    "来源网址": "Source address",
    "原始输入": "Raw input",
    "原文": "Original text",
    "清理后的正文": "Cleaned text",
    "去除的内容": "Removed parts",
    "语言": "Language",
    "活动类型": "Event kind",
    "提取结果": "Extracted fields",
    "登记库匹配": "Registry matches",
    "指纹": "Fingerprint",
    "相似度签名": "Similarity signature",
    "重复于": "Duplicate of",
    "舍弃原因": "Reason for discarding",
    "用时": "Timings",
    "只有营商办（专班）和系统管理员可以导入报道": "Only the business-environment office and administrators may ingest reports",
    "只有营商办（专班）和系统管理员可以确认或舍弃报道": "Only the business-environment office and administrators may confirm or discard reports",
    "该地区不在您的管辖范围内": "That region is outside your jurisdiction",
    "报道里没有找到所属地区，请指定地区": "The report names no region: please give one",
    "有多位同名的记录": "matches several records of that name",
    "在登记库中没有找到": "is not in the registry",
    "文件或文件夹不存在": "No such file or folder",
    "没有找到报道文件（.txt、.html 等）": "No report files (.txt, .html …) found",
}
ENGLISH.update(INGEST_ENGLISH)


INGEST_PAGES_ENGLISH = {
    "报道收件箱": "Report inbox",
    "各地网站发布的领导调研、座谈会和调度会报道，读成待确认的调研走访：核对原文、提取结果和登记库匹配后确认，即登记调研走访和交办事项。": "Reports of leaders' inspections, symposiums and dispatch meetings published by local sites, read into draft visits: check the original, the extracted fields and the registry matches, then confirm to record the visit and its instructions.",
    "新建待确认 %(d)s 篇，合并重复 %(u)s 篇，未能读取 %(r)s 篇": "%(d)s new drafts, %(u)s duplicates merged, %(r)s could not be read",
    "与已有报道重复，已合并到": "the same event as an earlier report, merged into",
    "导入报道": "Import reports",
    "报道文件（.txt 或 .html，可多选）": "Report files (.txt or .html, several allowed)",
    "或粘贴报道全文": "Or paste the report's full text",
    "发布日期（页面上没有时填写）": "Publication date (when the page gives none)",
    "每个文件单独读取：读不了的文件会说明原因，其余照常导入。同一事件的其他网站转载会合并到第一篇。": "Each file is read on its own: one that cannot be read is named with the reason and the rest are imported. Reposts of the same event by other sites are merged into the first report.",
    "读取": "Read",
    "合并转载": "Reposts merged",
    "没有报道": "No reports",
    "粘贴的文字": "Pasted text",
    "请选择报道文件，或粘贴报道全文": "Choose report files, or paste a report's full text",
    "状态：没有这一项，已显示全部": "Status: no such value; showing all",
    "名称完全一致": "exact name",
    "按简称": "by short name",
    "按拼音": "by pinyin",
    "名称相近": "similar name",
    "年份取自发布日期": "year taken from the publication date",
    "年份取自上文": "year taken from earlier in the text",
    "年份不明": "year unknown",
    "网站页眉页脚": "site header or footer",
    "无关文章列表": "list of unrelated articles",
    "拼音注音": "pinyin annotation",
    "插入的广告": "injected spam",
    "网页菜单": "page menus",
    "此处去除了网页的菜单和导航": "the page's menus and navigation were removed here",
    "%(month)s月%(day)s日（未写年份）": "%(month)s/%(day)s (no year written)",
    "报道所属地区": "the report's region",
    "已确认：调研走访已登记，%(n)s 件交办事项和企业诉求已进入办理流程": "Confirmed: the visit is recorded and %(n)s instructions and demands have entered handling",
    "已舍弃这篇报道": "The report was discarded",
    "报道原文": "The report as published",
    "原文（标出去除的内容）": "Original (removals marked)",
    "清理后的正文（简体）": "Cleaned text (Simplified)",
    "去除了 %(n)s 处内容，划线显示；鼠标停在上面可看原因。": "%(n)s removals, struck through; hover for the reason.",
    "已确认为调研走访": "Confirmed as a visit",
    "查看调研走访记录": "Open the visit record",
    "同一事件的转载，已合并到": "A repost of the same event, merged into",
    "已合并的转载": "Reposts merged",
    "报道读作": "Read from the report as",
    "报道写作": "Written in the report as",
    "没有提取到": "None found",
    "登记库中没有这一地区": "no such region in the registry",
    "有多个相近的项目，请勾选": "several similar projects: tick the right one",
    "将作为新记录提出": "to be proposed as a new record",
    "本次确认不关联": "not linked on this confirmation",
    "交办要求": "Instructions",
    "每条保留的要求登记为一件交办事项。": "Each instruction kept is filed as an instruction case.",
    "保留": "Keep",
    "企业反映的困难": "Difficulties raised by enterprises",
    "选了企业的困难登记为该企业的诉求；没有选企业的只留在报道里。": "A difficulty with its enterprise chosen is filed as that enterprise's demand; one without stays in the report.",
    "反映困难的企业": "Enterprise that raised it",
    "不登记为诉求": "Not filed as a demand",
    "核对过了，这是另一次调研走访": "Checked: this is another visit",
    "确认，登记调研走访": "Confirm and record the visit",
    "舍弃这篇报道": "Discard this report",
    "已匹配": "Matched",
    "有多个可能，请选择": "Several possible: choose one",
    "登记库中没有，本次确认不计入": "not in the registry; left out on this confirmation",
    "不计入": "Leave out",
}
ENGLISH.update(INGEST_PAGES_ENGLISH)
ENGLISH.update(
    {
        "报道": "Reports",
    }
)


PLURAL_ENGLISH = {
    "在 %(considered)s 件未办结诉求中找到 %(n)s 个涉及至少 %(min)s 家企业的共性问题": (
        "Among %(considered)s open demands, %(n)s common problem shared by at least %(min)s enterprises",
        "Among %(considered)s open demands, %(n)s common problems shared by at least %(min)s enterprises",
    ),
    "%(counter)s 家": ("%(counter)s enterprise", "%(counter)s enterprises"),
    "共 %(counter)s 条": ("%(counter)s in all", "%(counter)s in all"),
    "本月 %(counter)s 次": ("%(counter)s visit this month", "%(counter)s visits this month"),
    "%(region)s · 在办事项 %(counter)s 件": (
        "%(region)s · %(counter)s open case",
        "%(region)s · %(counter)s open cases",
    ),
}
PLURAL_ENGLISH.update(DEADLINES_PLURAL_ENGLISH)
PLURAL_ENGLISH.update(FIXLEAKS_PLURAL_ENGLISH)
PLURAL_ENGLISH.update(GROUPING_PLURAL_ENGLISH)
PLURAL_ENGLISH.update(JOINT_PLURAL_ENGLISH)

CHAINS_PLURAL_ENGLISH = {
    "%(n)s 个项目": ("%(n)s project", "%(n)s projects"),
}
PLURAL_ENGLISH.update(CHAINS_PLURAL_ENGLISH)
PLURAL_ENGLISH.update(
    {
        "去除了 %(n)s 处内容，划线显示；鼠标停在上面可看原因。": (
            "%(n)s part removed, struck through; hover over it for the reason.",
            "%(n)s parts removed, struck through; hover over one for the reason.",
        )
    }
)


# The report pages' remaining gaps (issue 21): new records on confirm, the inbox's filters.
INGEST_GAPS_ENGLISH = {
    # The review page: new records proposed by the report
    "登记为新干部": "Record as a new official",
    "接口提交的文字": "Text sent to the API",
    "任职部门": "Department",
    "报道中的职务": "Posts in the report",
    "登记后请在干部名录中补充职务": "add their other posts in the directory afterwards",
    "填写后登记为新企业并计入参加企业；不填则不计入": (
        "Filled in: recorded as a new enterprise and counted as attending; left blank: left out"
    ),
    "登记库中没有：可在下面登记，否则不计入": "Not in the registry: record it below, or it is left out",
    # The confirm form's own checks
    "应为登记库中记录的编号，或“不计入”": "Should be a registry record's number, or “Leave out”",
    # The inbox's filters
    "导入日期从": "Read from",
    "只看这一地区": "Only this region",
    "结束日期 %(end)s 早于开始日期 %(start)s": "The end date %(end)s is before the start date %(start)s",
}
ENGLISH.update(INGEST_GAPS_ENGLISH)


# Task forces, campaigns, reporting pages and operating indicators (issue 22).
TASKFORCES_ENGLISH = {
    "工作专班": "Task forces",
    "正常生产率": "Normal production rate",
    "检查合格率": "Inspection pass rate",
    "保障率": "Supply assurance rate",
    "正常经营率": "Normal operation rate",
    "状态为表单中“已完成”选项（如 全面复工）的企业数 ÷ 纳入本行动的企业数。未报送的企业按未完成计。": "Enterprises whose status is one the form counts as done (such as fully resumed) ÷ enterprises in the campaign. An enterprise that has not reported counts as not done.",
    "本期已报送的企业数 ÷ 纳入本行动的企业数。": "Enterprises that reported this period ÷ enterprises in the campaign.",
    "满员率：报送了在岗人数的企业，在岗人数之和 ÷ 应到人数之和。": "Staffing rate: over the enterprises that reported their staff on duty, staff on duty ÷ staff expected.",
    "产能恢复率：各企业报送的产能利用率按当期产值加权的平均数；没有企业报送产值时为简单平均。": "Capacity recovery rate: the mean of the capacity utilisation the enterprises reported, weighted by this period's output value; the plain mean when no enterprise reported its output.",
    "逾期报送：报送时间晚于本期截止时间（期末后的天数和时刻由行动设定）的报送数。": "Late reports: reports made after the period's deadline (the days after the period's end and the time of day set by the campaign).",
    "未报送：纳入本行动、本期没有报送的企业数。": "Not reported: enterprises in the campaign that made no report this period.",
    "未办结诉求：本行动报送中的困难转成的诉求事项，尚未办结的件数；其中日清日结的另列。": "Open demands: the demand cases made of the difficulties reported in this campaign that are not yet closed; the same-day ones also counted apart.",
    "未指定包保部门": "No serving department",
    "专班成员": "Members",
    "专班成员第 %(n)s 行": "Member row %(n)s",
    "状态（计算完成率）": "Status (for the done rate)",
    "在岗人数（计算满员率）": "Staff on duty (for the staffing rate)",
    "应到人数（计算满员率）": "Staff expected (for the staffing rate)",
    "产能利用率（计算产能恢复率）": "Capacity utilisation (for the capacity recovery rate)",
    "当期产值（产能恢复率的权重）": "Output value (weights the capacity recovery rate)",
    "困难和诉求（转为诉求事项）": "Difficulties and demands (become demand cases)",
    "企业名录中的从业人员": "Employees in the enterprise registry",
    "下限": "Lower bound",
    "选项": "Choices",
    "算作完成的选项": "Choices counted as done",
    "必填": "Required",
    "用于统计": "Used for",
    "填报说明": "Filling-in note",
    "填报表单": "Report form",
    "应为 0–31 的整数": "Should be a whole number from 0 to 31",
    "应为时刻，如 18:00": "Should be a time of day, such as 18:00",
    "填报表单第 %(n)s 项": "Report form item %(n)s",
    "包保部门": "Serving department",
    "不限": "Any",
    "选取条件": "Conditions",
    "逐个选定": "One by one",
    "按条件选取": "By conditions",
    "百分比": "Percentage",
    "本行动尚未开始。开始后，这里按报送期显示各地区、各部门的报送和完成情况。": "This campaign has not started. Once it has, this page shows reporting and progress by region and department, period by period.",
    "按包保部门": "By serving department",
    "纳入企业": "Enterprises in campaign",
    "逾期 / 未报送": "Late / not reported",
    "%(period)s 分地区情况": "%(period)s by region",
    "%(period)s 分包保部门情况": "%(period)s by serving department",
    "逾期报送": "Reported late",
    "产能恢复率": "Capacity recovery rate",
    "本行动在这里还没有企业": "No enterprise of the campaign here yet",
    "按报送期的变化": "Period by period",
    "修改专项行动": "Change campaign",
    "发起专项行动": "Start a campaign",
    "如：重点企业复工复产专项行动": "e.g. Key enterprises' resumption campaign",
    "已有报送，报送周期不能再改": "Reports have come in: the reporting cadence can no longer change",
    "报送截止：期末后天数": "Deadline: days after the period",
    "例：每日报送、期末后 0 天、18:00，即当天 18:00 前报送；晚于截止时间的报送记为逾期。": "e.g. daily reports, 0 days after the period, 18:00: due by 18:00 the same day; a report after the deadline is late.",
    "报送中的困难和诉求转为日清日结事项（当天办结）": "Difficulties reported become same-day cases (closed the same day)",
    "企业每期填报的项目。每项写明名称和类型；数字写单位和上下限；选项用顿号分隔。状态项要写明哪些选项算作完成（如 全面复工），复工率等比率由它计算。标明“从企业名录取值”的项目，名录中已有数值的企业不必再填。": "What each enterprise fills in every period. Give each item a name and a kind; numbers a unit and bounds; separate choices with 、. The status item says which choices count as done (such as 全面复工): the done rate is computed from it. Items taken from the enterprise registry are not asked of enterprises whose record already holds them.",
    "更换行动类别会换成该类别的表单模板。": "Changing the campaign's kind replaces the form with that kind's template.",
    "如：在岗人数": "e.g. Staff on duty",
    "人、万元、%%": "人, 万元, %%",
    "选项（选项类）": "Choices (choice items)",
    "如：未复工、部分复工、全面复工": "e.g. 未复工、部分复工、全面复工",
    "算作完成的选项（状态项）": "Choices counted as done (status item)",
    "如：全面复工": "e.g. 全面复工",
    "不用于统计": "Not used",
    "否，由企业填报": "No, the enterprise fills it in",
    "删除此项": "Remove this item",
    "再加一项": "Add an item",
    "%(cadence)s报送": "%(cadence)s reports",
    "Y年n月j日": "N j, Y",
    "Y年n月": "N Y",
    "%(year)s年第%(quarter)s季度": "Q%(quarter)s %(year)s",
    "%(year)s年": "%(year)s",
    "%(year)s年第%(week)s周": "Week %(week)s, %(year)s",
    "截止：%(deadline_rule)s": "Deadline: %(deadline_rule)s",
    "看板": "Board",
    "企业报送": "Reports",
    "添加企业": "Add enterprises",
    "修改行动和表单": "Change campaign and form",
    "修改专班": "Change task force",
    "服务地区": "Region served",
    "工作职责": "Duties",
    "专班领导": "Leaders",
    "尚未指定组长": "No leader named yet",
    "成员单位": "Member departments",
    "尚无成员": "No members yet",
    "专项行动": "Campaigns",
    "行动名称": "Campaign",
    "行动类别": "Kind",
    "报送周期": "Reporting cadence",
    "起止日期": "Dates",
    "尚未发起专项行动": "No campaign started yet",
    "服务的企业": "Enterprises served",
    "各专项行动中的企业，最近一次报送，以及报送中反映、尚未办结的诉求。": "The enterprises of its campaigns, the last report of each, and the demands they reported that are still open.",
    "最近报送": "Last report",
    "尚未报送": "Not reported yet",
    "专项行动中还没有企业": "No enterprise in its campaigns yet",
    "成员走访服务企业": "Members' visits to the enterprises served",
    "，列出最近 %(shown)s 次": ", the latest %(shown)s listed",
    "参加的专班成员": "Members who took part",
    "服务企业": "Enterprises served",
    "专班成员尚无到所服务企业的调研走访记录": "No visit by the task force's members to the enterprises it serves yet",
    "本行动现有 %(n)s 家企业。只能添加%(region)s的企业；已在本行动中的企业不会重复添加。": "%(n)s enterprises in this campaign. Only enterprises of %(region)s may be added; those already in it are not added twice.",
    "加入本行动": "Add to campaign",
    "行业（国民经济行业分类代码）": "Industry (GB/T 4754 code)",
    "如：C 制造业、33 金属制品业": "e.g. C Manufacturing, 33 Metal products",
    "至少给出一个条件。选中的是企业名录中符合全部条件的企业。": "Give at least one condition. The enterprises of the registry meeting all of them are chosen.",
    "按条件加入": "Add by conditions",
    "报送情况": "Reporting",
    "Y年n月j日 H:i": "N j, Y H:i",
    "%(period)s的报送截止于 %(when)s": "Reports for %(period)s are due by %(when)s",
    "，尚未截止": ", not yet due",
    "本期状态": "Status this period",
    "报送时间": "Reported at",
    "诉求事项": "Case",
    "n月j日 H:i": "N j H:i",
    "历次报送": "Report history",
    "确定将“%(name)s”移出本专项行动？已有的报送保留。": "Take “%(name)s” out of this campaign? Its reports are kept.",
    "本行动还没有企业": "No enterprise in this campaign yet",
    "修改工作专班": "Change task force",
    "设立工作专班": "Set up a task force",
    "如：企业复工复产工作专班": "e.g. Enterprises' resumption task force",
    "如：深入一线服务企业，面对面听取诉求，问题日清日结": "e.g. Go to the front line to serve enterprises, hear their demands face to face, clear problems the same day",
    "每行一人或一个成员单位：领导干部的职务照成立通知写（如 市委副书记、市长）；成员单位只选部门。空行不保存。": "One person or one member department a row: write a leader's post as the founding notice gives it (such as 市委副书记、市长); for a member department pick the department only. Empty rows are not saved.",
    "专班职务": "Role in the task force",
    "再加一行": "Add a row",
    "单位和范围": "Unit and bounds",
    "名录中已有的取自%(source)s": "Taken from %(source)s where the registry has it",
    "算作完成：%(done)s": "Counted as done: %(done)s",
    "%(name)s的历次报送": "Reports of %(name)s",
    "%(when)s纳入": "in since %(when)s",
    "已移出本专项行动，此前的报送保留": "Taken out of this campaign; its earlier reports are kept",
    "共报送 %(n)s 期": "%(n)s periods reported",
    "企业信息": "Enterprise",
    "本行动尚未开始": "This campaign has not started",
    "导入报送表": "Import report table",
    "工作专班已设立": "Task force set up",
    "工作专班已保存": "Task force saved",
    "专项行动已发起，请添加参加的企业": "Campaign started: now add its enterprises",
    "专项行动已保存": "Campaign saved",
    "%(m)s月%(d)s日": "%(m)s/%(d)s",
    "第%(w)s周": "Week %(w)s",
    "每期最后一天 %(time)s 前": "Due on each period's last day by %(time)s",
    "下载本期报送表": "Download this period's table",
    "；另有 %(n)s 家已在本行动中": "; %(n)s already in this campaign",
    "条件选中的企业都已在本行动中": "Every enterprise the conditions chose is already in this campaign",
    "已将该企业移出本专项行动；它已有的报送保留": "Enterprise taken out of this campaign; its reports are kept",
    "我的报送": "My reports",
    "诉求日清日结": "Demands cleared the same day",
    "截止": "Due",
    "去报送": "Report",
    "目前没有需要您报送的专项行动。": "No campaign is waiting for your report.",
    "本页列出企业和驻企联络员需要报送的专项行动；专班和部门在专项行动页面查看和录入报送。": "This page lists the campaigns enterprises and liaison officers report for; task forces and departments read and enter reports on the campaign's pages.",
    "已报 %(n)s/%(total)s 家": "%(n)s of %(total)s reported",
    "%(day)s 开始报送": "Reporting starts %(day)s",
    "填报": "Report",
    "更正报送": "Correct the report",
    "已过截止时间，现在报送记为逾期": "Past the deadline: a report now is late",
    "选择报送期（可补报此前未报的）": "Period (earlier periods not reported can still be filed)",
    "已报送": "Reported",
    "切换": "Switch",
    "专项行动已结束，不再接受报送": "The campaign has ended and takes no more reports",
    "请按标红处的提示修改后再提交。": "Please correct the fields marked in red and submit again.",
    "登记值": "From the registry",
    "（本行动的诉求日清日结）": " (this campaign's demands are cleared the same day)",
    "范围": "Range",
    "提交更正": "Submit the correction",
    "提交报送": "Submit the report",
    "本企业的报送记录": "This enterprise's reports",
    "企业名录中登记的数值，无需填报": "The value registered in the enterprise registry: not asked",
    "本行动自 %(day)s 开始报送。": "Reporting for this campaign starts %(day)s.",
    "本期已于 %(at)s 报送。以下是已报的内容，修改后提交更正，原报送保留在修改记录中。": "This period was reported at %(at)s. Below is what was reported: change it and submit the correction; the original stays in the change history.",
    "已按上期（%(label)s）的报送填好，有变化的请修改。": "Filled in from the previous report (%(label)s): change what has changed.",
    "已转为诉求事项 #%(n)s；改写困难内容将另立一件诉求事项。": "Already filed as case #%(n)s; a rewritten difficulty is filed as a new case.",
    "已收到报送": "Report received",
    "本期已报送": "Reported for this period",
    "按时报送": "Reported on time",
    "报送于": "reported at",
    "困难和诉求已转为诉求事项": "The difficulty was filed as case",
    "报送内容": "What was reported",
    "困难和诉求": "Difficulties and demands",
    "报送方式": "Reported by",
    "更正": "Correct",
    "返回我的报送": "Back to my reports",
    "报送记录": "Reports",
    "报送期": "Period",
    "更正次数": "Corrections",
    "本期未报送": "Not reported",
    "去补报": "Report late",
    "较近": "Later",
    "更早": "Earlier",
    "填报本期": "Report this period",
    "专项行动报送": "Campaign reports",
    "全部专项行动": "All campaigns",
    "待报送 %(n)s": "%(n)s to report",
    "只有企业本身、其联络员、包保部门和专班可以报送": "Only the enterprise, its liaison officer, the department serving it and the task force may report",
    "%(period)s已报送；如需修改，请点“更正”": "%(period)s has been reported; to change it, use “Correct”",
    "待报送": "To report",
    "未开始": "Not started",
    "不小于 %(n)s": "at least %(n)s",
    "不大于 %(n)s": "at most %(n)s",
    "诉求类别": "Demand category",
    # Task forces, campaigns and their reports (the rest of issue 22's strings)
    "复工率": "Resumption rate",
    "本级": "This region itself",
    "填报项目": "Item",
    "上限": "Upper bound",
    "从企业名录取值": "From the enterprise registry",
    "仅规上企业": "Above designated size only",
    "仅规下企业": "Below designated size only",
    "运行中": "Active",
    "已撤销": "Dissolved",
    "组长": "Leader",
    "副组长": "Deputy leader",
    "成员": "Member",
    "联络员": "Contact",
    "复工复产": "Resumption",
    "稳产保供": "Stable production and supply",
    "安全生产大检查": "Safety inspection",
    "冬季保供": "Winter supply",
    "纾困解难": "Relief",
    "每日": "Daily",
    "进行中": "In progress",
    "已结束": "Ended",
    "表格导入": "Table import",
    "企业自报": "By the enterprise",
    "联络员代报": "By the liaison officer",
    "专班录入": "By the task force",
    "整数": "Whole number",
    "数值": "Number",
    "文字": "Text",
    "报送表（.xlsx 或 .csv）": "Report table (.xlsx or .csv)",
    "有错误行时，只导入正确的行": "Import only the correct rows when some have errors",
    "只有营商办（专班）、包保部门和联络员可以导入报送表": "Only the business-environment office, serving departments and liaison officers may import report tables",
    "未导入，请改正后重新上传：%(errors)s": "Nothing imported; correct these and upload again: %(errors)s",
    "已导入：新报送 %(written)s 家，更正 %(corrected)s 家，无变化 %(unchanged)s 家，未填 %(blank)s 家": "Imported: %(written)s new reports, %(corrected)s corrected, %(unchanged)s unchanged, %(blank)s left blank",
    "跳过 %(rows)s 行：%(errors)s": "%(rows)s rows skipped: %(errors)s",
    "报送率": "Reporting rate",
    "已完成 %(n)s 家": "%(n)s done",
    "其中日清日结 %(n)s 件": "%(n)s of them same-day",
    "未报送": "Not reported",
    "满员率": "Staffing rate",
    "其中日清日结": "Of them same-day",
    "已完成（%(name)s）": "Done (%(name)s)",
    "所属专班：%(name)s": "Task force: %(name)s",
    "起": " onward",
    "定义": "Definition",
    "企业数": "Enterprises",
    "另有 %(n)s 件": "%(n)s more",
    "第 %(number)s / %(pages)s 页，共 %(total)s 家": "Page %(number)s of %(pages)s, %(total)s enterprises",
    "所在地区（含下辖）": "Region (including those under it)",
    "包保部门：%(name)s": "Serving department: %(name)s",
    "报送": "Report",
    "专班名录": "Task force list",
    "全部；输入地区名称或拼音首字母": "All; type a region name or pinyin initials",
    "专班名称": "Task force",
    "（进行中 %(n)s）": "(%(n)s in progress)",
    "没有符合条件的工作专班": "No task force matches",
    "下载报送表": "Download the report table",
    "每家企业一行，填报表单的每一项一列；未报送的企业留空，填好后在下面导入。已报送的企业列出所报内容，改动后导入即为更正。": "One row per enterprise, one column per item of the report form; enterprises that have not reported are left blank: fill them in and import the table below. Enterprises that have reported show what they reported: change it and import to correct it.",
    "下载 Excel": "Download Excel",
    "专项行动已结束，不再接受报送。": "The campaign has ended and takes no more reports.",
    "按统一社会信用代码（未填时按企业名称，须与名录完全一致）找到企业。可识别的填报项：": "Enterprises are found by unified social credit code (when blank, by name, which must match the registry exactly). Items recognised:",
    "必填：": "Required: ",
    "任何一行有错误时不写入任何内容，并指出错误所在的行和列；勾选“只导入正确的行”则写入正确的行、列出跳过的行。表中如有“报送期”一列，以该列为准。": "If any row has an error nothing is written, and each error is named by row and column; with “Import only the correct rows” ticked, the correct rows are written and the skipped ones listed. A 报送期 (period) column in the table, if there is one, wins.",
    "上传并导入": "Upload and import",
    "只有营商办（专班）和系统管理员可以设立和修改工作专班": "Only the business-environment office and administrators may set up and change task forces",
    "只有营商办（专班）和系统管理员可以发起和修改专项行动": "Only the business-environment office and administrators may start and change campaigns",
    "只有营商办（专班）和系统管理员可以调整专项行动的企业": "Only the business-environment office and administrators may change a campaign's enterprises",
    "已加入 %(n)s 家企业": "%(n)s enterprises added",
    # Reporting (enterprises and liaison officers)
    "专项报送": "Campaign reports",
    # Operating indicators
    "运行监测": "Operating indicators",
    "跳过有误的行，导入其余各行": "Skip the bad rows, import the rest",
    "已保存%(month)s的运行指标": "Operating indicators for %(month)s saved",
    "请选择要导入的 Excel 或 CSV 文件": "Choose an Excel or CSV file to import",
    "已导入 %(rows)s 行：新增 %(created)s，更新 %(updated)s，无变化 %(unchanged)s": "%(rows)s rows imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged",
    "环比": "Month on month",
    "同比": "Year on year",
    "按是否下滑筛选时请同时给出月份（month）": "Filtering by fall needs the month (month) too",
    "近期办结": "Recently closed",
    "近一年无事项": "No case in the past year",
    "%(name)s运行指标": "%(name)s: operating indicators",
    "企业档案": "Enterprise profile",
    "%(month)s全部企业": "All enterprises, %(month)s",
    "近13个月（至%(last)s）": "13 months to %(last)s",
    "录入或更正": "Enter or correct",
    "%(month)s指标下滑": "Falls in %(month)s",
    "未填报": "Not reported",
    "标红的指标比上月（环比）或上年同月（同比）下降超过 %(p)s%%。": "Figures in red fell more than %(p)s%% from the month before (month on month) or the same month last year (year on year).",
    "事项记录": "Cases",
    "录入企业运行指标": "Enter operating indicators",
    "更正企业运行指标": "Correct operating indicators",
    "%(month)s：%(value)s %(unit)s": "%(month)s: %(value)s %(unit)s",
    "%(month)s未填报": "%(month)s: not reported",
    "金额单位万元，可带千分位逗号；不填的指标视为未报送。": "Amounts in 10k yuan, thousands commas allowed; a measure left blank counts as not reported.",
    "导入企业运行指标": "Import operating indicators",
    "表中有“月份”列时可不选，各行按其月份导入": "May be left empty when the table has a 月份 (month) column: each row is imported for its own month",
    "不勾选时，只要有一行有误就整表不导入": "Unticked: one bad row and nothing in the table is imported",
    "下载填报模板": "Download the template",
    "表头：%(columns)s。企业按统一社会信用代码（或企业名称）识别；同一企业同一月份再次导入时更新所填的指标，空白单元格保留原值。": "Headers: %(columns)s. Enterprises are found by unified social credit code (or name); importing the same enterprise and month again updates the measures filled in, and blank cells keep their values.",
    "共 %(rows)s 行：新增 %(created)s，更新 %(updated)s，无变化 %(unchanged)s。": "%(rows)s rows: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.",
    "%(n)s 家企业出现新的指标下滑，已通知其联络员、所在地区营商办和相关专班。": "%(n)s enterprises show new falls: their liaison officers, their region's business-environment office and the task forces concerned have been told.",
    "共 %(rows)s 行，其中 %(bad)s 行有误，整表未导入。请改正后重新导入，或勾选“跳过有误的行”。": "%(rows)s rows, %(bad)s of them bad: nothing was imported. Correct them and import again, or tick “Skip the bad rows”.",
    "行": "Row",
    "另有 %(n)s 处": "%(n)s more",
    "%(month)s重点企业运行监测": "Key enterprises' operating indicators, %(month)s",
    "填报企业": "Enterprises reporting",
    "指标下滑超过 %(p)s%% 的企业": "Enterprises with a measure down more than %(p)s%%",
    "本月合计": "Month's total",
    "环比、同比按两个月都填报了该项指标的企业比较（同口径）。某项指标比上月或上年同月下降超过 %(p)s%% 即为下滑。": "Month on month and year on year compare only the enterprises that reported the measure in both months (like for like). A measure down more than %(p)s%% from the month before or the same month last year is a fall.",
    "是否下滑": "Fallen",
    "仅看下滑": "Falls only",
    "未下滑": "No fall",
    "下滑": "Fell",
    "%(month)s没有符合条件的运行指标": "No operating indicators match for %(month)s",
    "月度运行监测": "Monthly indicators",
    "录入指标": "Enter indicators",
    "导入月度表": "Import a month's table",
}
ENGLISH.update(TASKFORCES_ENGLISH)

TASKFORCES_PLURAL_ENGLISH = {
    "专班成员到所服务企业的调研走访共 %(n)s 次": (
        "%(n)s visit by members to the enterprises served",
        "%(n)s visits by members to the enterprises served",
    ),
    "更正 %(n)s 次": ("Corrected %(n)s time", "Corrected %(n)s times"),
    "在办事项 %(n)s 件": ("%(n)s open case", "%(n)s open cases"),
    "已更正 %(n)s 次": ("Corrected %(n)s time", "Corrected %(n)s times"),
    "此前 %(n)s 期未报": ("%(n)s earlier period not reported", "%(n)s earlier periods not reported"),
    "%(n)s 项待报": ("%(n)s to report", "%(n)s to report"),
}
TASKFORCES_ENGLISH["本期报送尚未截止（%(deadline)s 截止），以下是目前已收到的报送。"] = (
    "This period's reports are not due until %(deadline)s: below are those received so far."
)
TASKFORCES_ENGLISH.update(
    {
        # An operating indicator's fall, as a sentence: 工业产值环比下降 12.5%.
        "工业产值": "Output value",
        "用电量": "Electricity use",
        "税收": "Taxes",
        "%(measure)s%(against)s下降 %(percent)s%%": "%(measure)s down %(percent)s%% (%(against)s)",
        "（%(against)s下降 %(percent)s%%）": " (down %(percent)s%%, %(against)s)",
        # A campaign's enterprises by a chain, or from a sheet.
        "产业链（链上企业）": "Industrial chain (its member enterprises)",
        "从表格导入": "From a sheet",
        "企业名单（.xlsx 或 .csv）": "List of enterprises (.xlsx or .csv)",
        "每行一家企业：“统一社会信用代码”一列（没有时按“企业名称”，须与企业名录完全一致），可加“包保部门”一列。"
        "有一行找不到企业时，整个表格都不导入，并指出是哪一行。": (
            "One enterprise a row: a 统一社会信用代码 (credit code) column (else 企业名称, the name exactly as "
            "the registry has it), and a 包保部门 (serving department) column if you like. If one row names no "
            "enterprise, nothing is imported and the row is named."
        ),
        "导入名单": "Import the list",
        "另有 %(n)s 处错误": "and %(n)s more errors",
        "未导入任何企业：": "No enterprise was imported: ",
        "已从表格加入 %(n)s 家企业": "%(n)s enterprises added from the sheet",
    }
)
ENGLISH.update(TASKFORCES_ENGLISH)
TASKFORCES_PLURAL_ENGLISH["每期结束后 %(days)s 天 %(time)s 前"] = (
    "Due %(days)s day after each period, by %(time)s",
    "Due %(days)s days after each period, by %(time)s",
)
PLURAL_ENGLISH.update(TASKFORCES_PLURAL_ENGLISH)

# The dispatch meetings, the briefings, the economic indicators and the leader's cockpit (issue 23).
# The API and the Word/Excel briefing stay Chinese (government documents); only the pages switch.
DISPATCH_ENGLISH = {
    # Navigation, tabs and titles
    "领导驾驶舱": "Leader's cockpit",
    "驾驶舱": "Cockpit",
    "红黑榜": "Rankings (red and black lists)",
    "调度简报": "Briefings",
    "简报": "Briefing",
    "经济指标": "Economic indicators",
    # The scope and period pickers
    "或自定义": "Or custom",
    "本周": "This week",
    "上周": "Last week",
    "本月": "This month",
    "本季度": "This quarter",
    "上季度": "Last quarter",
    "本年": "This year",
    "上年": "Last year",
    "%(start)s至%(end)s": "%(start)s – %(end)s",
    "%(name)s（%(dates)s）": "%(name)s (%(dates)s)",
    "自定义统计期请同时填写开始日期和结束日期": "A custom period needs both a start and an end date",
    "日期应写成 2026-01-01 这样的年-月-日": "Write dates as year-month-day, like 2026-01-01",
    "统计期的结束日期（%(end)s）早于开始日期（%(start)s），请重新选择": (
        "The period ends (%(end)s) before it starts (%(start)s): choose again"
    ),
    "数据截至 %(at)s": "Figures as of %(at)s",
    # Cases
    "事项办理": "Case handling",
    "逾期和督办事项": "Late and escalated cases",
    "收到事项": "Cases received",
    "在办 %(n)s 件": "%(n)s open",
    "按时签收 %(done)s / 应签收 %(due)s": "%(done)s accepted on time / %(due)s due",
    "按时答复 %(done)s / 应答复 %(due)s": "%(done)s answered on time / %(due)s due",
    "已解决 %(done)s / 应答复诉求 %(due)s": "%(done)s resolved / %(due)s demands due",
    "满意 %(done)s / 评价 %(due)s": "%(done)s satisfied / %(due)s ratings",
    "逾期在办": "Open and late",
    "当前时限已过的在办事项": "Open cases past their current deadline",
    "催办督办中": "Chased or escalated",
    "逾期后已催办、督办的在办事项": "Open cases chased or escalated after falling late",
    "逾期、督办": "Late and escalated",
    "三率走势": "The rates over time",
    "三率走势，数据见下表": "The rates over time; the figures are in the table below",
    "逾期事项（共 %(n)s 件，列时限最早的 %(shown)s 件）": (
        "Late cases (%(n)s; the %(shown)s with the earliest deadlines)"
    ),
    "逾期事项（共 %(n)s 件）": "Late cases (%(n)s)",
    "逾期工作日": "Working days late",
    "待交办": "Not yet assigned",
    # Rankings
    "查看全部排名 ›": "All rankings ›",
    "末位": "Bottom",
    "项目开工率": "Project start rate",
    "协议落地率": "Agreement landing rate",
    "%(by)s%(measure)s排名": "%(measure)s · %(by)s",
    "部门排名": "Departments ranked",
    "地区排名": "Regions ranked",
    "新上榜": "New",
    "持平": "Same",
    "较上期上升 %(n)s 位": "Up %(n)s on the previous period",
    "较上期下降 %(n)s 位": "Down %(n)s on the previous period",
    "与上期名次相同": "Same rank as the previous period",
    "名次变化与上期（%(previous)s）相比": "Changes in rank are against the previous period (%(previous)s)",
    "红黑榜比较一个地区内的各部门和下级地区，请在“范围”中选择一个地区。": (
        "The rankings compare the departments and sub-regions of a region: choose a region under “Scope”."
    ),
    "这个范围和统计期内还没有可以排名的数据。": "Nothing to rank yet in this scope and period.",
    "%(measure)s怎么算": "%(measure)s: how it is counted",
    "名次": "Rank",
    "上期名次": "Prev.",
    "变化": "±",
    # Projects and agreements
    "重点项目（%(year)s年，截至%(by)s）": "Key projects (%(year)s, to %(by)s)",
    "按期开工 %(done)s / 计划开工 %(due)s": "%(done)s started on time / %(due)s planned",
    "完成 %(done)s / 计划 %(due)s 万元": "%(done)s done / %(due)s planned (10k yuan)",
    "项目所处阶段": "Projects by stage",
    "项目所处阶段，数据见下表": "Projects by stage; the figures are in the table below",
    "招商签约（%(year)s年签约）": "Investment agreements (signed in %(year)s)",
    "协议金额 %(amount)s 万元": "%(amount)s (10k yuan) agreed",
    "到位资金 %(funds)s 万元": "%(funds)s (10k yuan) in place",
    "协议推进漏斗": "Agreements from signing to production",
    "协议推进漏斗，数据见下表": "Agreements from signing to production; the figures are in the table below",
    "协议数": "Agreements",
    "占签约": "Share of signed",
    "落地": "Landed",
    "开工": "Started",
    # Liaison service, leaders' visits, policies, campaigns, chains
    "包联服务": "Liaison service",
    "联络员包联": "Liaison coverage",
    "%(month)s包联覆盖率": "Liaison coverage, %(month)s",
    "按要求走访 %(done)s / 包联关系 %(due)s": "%(done)s visited as required / %(due)s assignments",
    "次": "visits",
    "三个月未走访企业": "Enterprises not visited in 3 months",
    "领导带队调研": "Visits led by leaders",
    "调研次数": "Visits",
    "走访企业": "Enterprises visited",
    "本期没有领导带队调研的记录。": "No visit led by a leader in this period.",
    "惠企政策直达": "Relief policies reaching enterprises",
    "政策触达率": "Reach rate",
    "兑现率": "Grant rate",
    "已告知 %(n)s 家": "%(n)s told",
    "已兑现 %(n)s 家，%(amount)s 万元": "%(n)s granted, %(amount)s (10k yuan)",
    "件诉求": "demands",
    "本期没有进行中的专项行动。": "No campaign under way in this period.",
    "%(month)s运行指标下降的企业（%(n)s 家）": "Enterprises with falling indicators, %(month)s (%(n)s)",
    "最大降幅": "Largest fall",
    "下降的指标": "What fell",
    "；": "; ",
    "没有运行指标明显下降的重点企业。": "No key enterprise shows a marked fall in its indicators.",
    "产业链目标进度": "Chains against their goals",
    "在办 / 逾期事项": "Open / late cases",
    "年度目标完成": "The year's goals",
    "未定年度目标": "No goals set for the year",
    "这个范围内没有产业链。": "No industrial chain in this scope.",
    # Economic indicators
    "主要经济指标": "Main economic indicators",
    "%(period)s主要经济指标": "Main economic indicators, %(period)s",
    "地区生产总值": "GDP",
    "地区生产总值增速": "GDP growth",
    "规上工业增加值增速": "Industrial value added growth (above designated size)",
    "固定资产投资增速": "Fixed-asset investment growth",
    "社会消费品零售总额": "Retail sales of consumer goods",
    "社会消费品零售总额增速": "Retail sales growth",
    "一般公共预算收入": "General public budget revenue",
    "一般公共预算收入增速": "Budget revenue growth",
    "进出口总额增速": "Foreign trade growth",
    "个百分点": "percentage points",
    # A figure and its unit: 0.8个百分点, 45.83亿元 (a space in English).
    "%(gap)s%(unit)s": "%(gap)s %(unit)s",
    "完成值": "Actual",
    "实际值": "Actual",
    "目标": "Target",
    "目标值": "Target",
    "与目标差距": "Against target",
    "在对标地区中": "Among peers",
    "第 %(rank)s 位（共 %(n)s 个）": "%(rank)s of %(n)s",
    "未录入对标": "No peers entered",
    "本期还没有录入经济指标。": "No economic indicators entered for this period yet.",
    "各地区按统计部门发布口径填报的主要经济指标（月度、季度为年初累计），与目标值和对标地区比较。": (
        "Each region's main economic indicators as the statistics bureau publishes them (monthly and "
        "quarterly figures are year to date), against their targets and peer regions."
    ),
    "对标地区": "Peer region",
    "对标位次": "Rank among peers",
    "第 %(rank)s / %(total)s": "%(rank)s of %(total)s",
    "本统计期尚无经济指标": "No economic indicators for this period",
    "填报一项指标": "Enter an indicator",
    "总量以亿元计，增速填百分数的数值（如 5.2）。": "Totals in 100 million yuan; growth rates as a percentage (e.g. 5.2).",
    "填报对标地区的数据时，地区选对标地区，这里选与其比较的本地区；填报本地区的数据时不选。": (
        "For a peer region's figure, choose the peer as the region and, here, your own region it is "
        "compared with; leave this empty for your own region's figures."
    ),
    "从 Excel 导入": "Import from Excel",
    "Excel 文件": "Excel file",
    "表头：%(columns)s。指标写名称或代码均可；同一地区、指标、统计期再次导入时更新原值。任何一行有误整表都不导入。": (
        "Headers: %(columns)s. An indicator may be given by name or code; importing the same region, "
        "indicator and period again updates the figure. One bad row and nothing is imported."
    ),
    "经济指标按月、季度或年度统计，如 2026-10、2026-Q3、2026": (
        "Economic indicators are by month, quarter or year, e.g. 2026-10, 2026-Q3, 2026"
    ),
    "已保存：%(region)s %(indicator)s（%(period)s）": "Saved: %(region)s, %(indicator)s (%(period)s)",
    "只有营商办（专班）和系统管理员可以导入经济指标": (
        "Only the business-environment office and administrators may import economic indicators"
    ),
    "表中有误，整表未导入。请改正下列各处后重新导入。": (
        "The table has errors and nothing was imported. Correct those below and import again."
    ),
    "已导入 %(n)s 条经济指标": "%(n)s economic figures imported",
    "表头缺少：%(columns)s。第1行应为：%(all)s": "Missing columns: %(columns)s. Row 1 should be: %(all)s",
    "一次最多导入 %(n)s 行，请分批导入": "At most %(n)s rows at a time: import in batches",
    "第%(n)s行": "Row %(n)s",
    # Meetings
    "调度会、简报和经济指标只对政府工作人员开放": (
        "Dispatch meetings, briefings and economic indicators are open to government staff only"
    ),
    "只有营商办（专班）和系统管理员可以登记和修改调度会": (
        "Only the business-environment office and administrators may record and change dispatch meetings"
    ),
    "尚无调度会": "No dispatch meetings yet",
    "会议名称": "Meeting",
    "召开日期": "Held on",
    "调度范围": "Scope",
    "所属地区": "Region",
    "调度部门": "Department",
    "调度项目": "Projects",
    "项目清单": "Listed projects",
    "主持人": "Chair",
    "主持人当日职务": "Chair's posts that day",
    "参会人员": "Attendees",
    "参会人员第 %(n)s 行": "Attendees, row %(n)s",
    "参会部门": "Departments attending",
    "会议要求": "Requirements of the meeting",
    "汇报": "Reporting",
    "参会": "Attending",
    "修改会议信息": "Edit the meeting",
    "修改调度会": "Edit dispatch meeting",
    "登记调度会": "Record a dispatch meeting",
    "调度会已登记，议程已按当前数据生成": "Meeting recorded; its agenda was drawn from the current records",
    "调度会已保存": "Meeting saved",
    "如：全市重点产业链发展工作调度会": "e.g. City dispatch meeting on the key industrial chains",
    "如：市政府第一会议室": "e.g. City government meeting room 1",
    "召开会议的地区：议程和简报的数据在本地区范围内统计": (
        "Where the meeting is held: the agenda and the briefing count this region's records"
    ),
    "调度什么": "Covering",
    "部门调度会：调度该部门牵头的事项、负责的项目和跟进的协议": (
        "A department's meeting covers the cases it leads, the projects it is responsible for and the "
        "agreements it follows up"
    ),
    "照会议当天的职务写；不填则取其当天在任的职务": "As held on the day of the meeting; left empty, the posts held that day",
    "每行一人：职务照会议当天写（不填则取其当天在任的职务）；汇报人选“汇报”。空行不保存。": (
        "One person a row: posts as held on the day (left empty, those held that day); choose “Reporting” "
        "for those who report. Empty rows are not saved."
    ),
    "当日职务": "Posts that day",
    "如：市工信局局长": "e.g. Director of the city industry bureau",
    "角色": "Role",
    "如：聚焦重点产业链，找差距、比进度，每周都要有新进展": (
        "e.g. Focus on the key chains, find the gaps, compare progress, show progress every week"
    ),
    "保存后按当前数据生成议程：上次会议决定事项、逾期和督办事项、滞后的项目和产业链、未落地的协议、报送滞后的专项行动、指标下滑的企业。": (
        "Once saved, the agenda is drawn from the current records: the last meeting's decisions, late and "
        "escalated cases, projects and chains behind, agreements not landed, campaigns behind on reports, "
        "enterprises with falling indicators."
    ),
    # A meeting's page: the last decisions, the agenda, the decisions, the briefing
    "上次会议决定事项落实情况": "Decisions of the last meeting: where each stands",
    "上次会议：%(date)s": "Last meeting: %(date)s",
    "上次会议没有决定事项": "The last meeting made no decisions",
    "这是同一范围的第一次调度会，没有上次会议的决定事项。": (
        "This is the first dispatch meeting of this scope: there are no earlier decisions."
    ),
    "议程": "Agenda",
    "逾期事项": "Late cases",
    "督办、通报事项": "Escalated and reported cases",
    "进度滞后的项目": "Projects behind schedule",
    "未达目标进度的产业链": "Chains behind their goals",
    "未落地的签约协议": "Agreements not yet landed",
    "报送滞后的专项行动": "Campaigns behind on reports",
    "运行指标下滑的企业": "Enterprises with falling indicators",
    "其他议题": "Other items",
    "按当前数据重新生成议程，手工增加的其他议题保留": (
        "Redraw the agenda from the current records; items added by hand are kept"
    ),
    "按当前数据重新生成议程": "Redraw the agenda",
    "议程已按当前数据重新生成（共 %(n)s 项）": "Agenda redrawn from the current records (%(n)s items)",
    "议程为空：本范围内目前没有逾期、督办或滞后的记录。": (
        "The agenda is empty: nothing in this scope is late, escalated or behind."
    ),
    "增加议题": "Add an item",
    "议题": "Item",
    "情况": "Notes",
    "如：研究部署四季度招商引资工作": "e.g. Plan the fourth quarter's investment promotion",
    "增加": "Add",
    "议题已增加": "Item added",
    "会议决定事项": "Decisions of the meeting",
    "每项决定作为交办事项（调度会交办）派给牵头部门，按完成时限跟踪、督办；下次同一范围的调度会首先听取落实情况。": (
        "Each decision goes to its lead department as an instruction (given by a dispatch meeting), "
        "tracked and escalated against its deadline; the next meeting of the same scope first hears "
        "where each stands."
    ),
    "决定事项": "Decision",
    "具体要求": "Requirements",
    "完成时限": "Deadline",
    "办理状态": "Status",
    "已逾期": "Late",
    "尚未录入决定事项": "No decisions recorded yet",
    "录入决定事项": "Record a decision",
    "如：协调解决联晟新材料用工问题": "e.g. Help Liansheng New Materials with its hiring",
    "如：市工信局牵头，一周内拿出方案": "e.g. The city industry bureau leads, with a plan within a week",
    "录入并交办": "Record and assign",
    "决定事项已交办：%(title)s（事项编号 %(id)s）": "Decision assigned: %(title)s (case %(id)s)",
    "生成 Word 简报（含排名表、图表和决定事项）和 Excel 数据表，数据与驾驶舱一致。": (
        "Generates a Word briefing (rankings, charts and decisions) and an Excel workbook, with the "
        "cockpit's figures."
    ),
    "%(date)s 申请": "Requested %(date)s",
    # Briefings
    "生成简报": "Generate a briefing",
    "按范围和统计期生成简报": "Generate a briefing for a scope and period",
    "或填写统计期": "Or type a period",
    "填写时以此为准": "Wins when filled in",
    "申请人": "Requested by",
    "申请时间": "Requested at",
    "下载": "Download",
    "尚无简报": "No briefings yet",
    "排队中": "Queued",
    "生成中": "Generating",
    "已生成": "Ready",
    "生成失败": "Failed",
    "简报已开始生成，完成后可在此页下载": "The briefing is being generated: download it from this page when it is ready",
    "%(title)s简报": "Briefing: %(title)s",
    "%(scope)s调度简报（%(period)s）": "Briefing: %(scope)s (%(period)s)",
    "简报尚未生成": "The briefing is not ready yet",
    "简报文件已不存在，请重新生成": "The briefing's file is gone: generate it again",
    "简报在后台生成，本页每 2 秒刷新一次进度；可以离开此页，稍后在简报列表中下载。": (
        "The briefing is generated in the background and this page shows its progress every 2 seconds; "
        "you may leave and download it later from the list of briefings."
    ),
    "下载 Word 简报": "Download the Word briefing",
    "下载 Excel 数据表": "Download the Excel tables",
    "%(date)s 生成。Word 简报含各部分的排名表和图表；Excel 数据表每张表一页，数据与简报一致。": (
        "Generated %(date)s. The Word briefing has each section's rankings and charts; the Excel workbook "
        "has one sheet per table, with the same figures."
    ),
    "生成失败：": "Generation failed: ",
    "原因不明": "reason unknown",
    "回到会议页重新生成": "Generate it again from the meeting's page",
    "重新申请": "Request it again",
}
DISPATCH_ENGLISH.update(
    {
        "自定义（按右侧日期）": "Custom (the dates beside)",
        "目前在办 %(n)s 件": "%(n)s open now",
        "对标的本地区": "Compared for (home region)",
        "部门驾驶舱只统计本部门牵头的事项、负责的项目和跟踪的协议。包联覆盖、惠企政策、专项行动、经济指标和红黑榜按地区统计，请在“范围”中选择地区查看。": (
            "A department's cockpit counts only the cases it leads, the projects it is responsible"
            " for and the agreements it follows up. Liaison coverage, relief policies, campaigns,"
            " economic indicators and rankings are counted by region: choose a region under Scope."
        ),
        "产业链驾驶舱只统计链上企业的在办和逾期事项及本链年度目标。其他数字按地区统计，请在“范围”中选择地区查看。": (
            "A chain's cockpit counts only its member enterprises' open and late cases and the"
            " chain's goals for the year. Other figures are counted by region: choose a region"
            " under Scope."
        ),
        "在办事项": "Open cases",
        "本年尚无签约协议。": "No agreement signed this year yet.",
        "议程记录的是生成议程时各事项的情况；会议召开后不再更新。决定事项的当前办理状态见“落实情况”。": (
            "The agenda records each item as it stood when the agenda was drawn; it is not redrawn"
            " after the meeting. Where each decision stands now is shown under the follow-up above."
        ),
    }
)
ENGLISH.update(DISPATCH_ENGLISH)

# Entries with a context ({% translate "范围" context "scope" %}): the same Chinese, said otherwise.
CONTEXT_ENGLISH = {
    ("scope", "范围"): "Scope",
    ("meeting", "地点"): "Place",
    ("pages", "调度会"): "Dispatch meetings",
}


def _quoted(text: str) -> str:
    return '"' + text.replace(chr(34), chr(92) + chr(34)) + '"'


def _unfuzz(entry: str) -> str:
    """makemessages guesses a new string's English from a similar old one and marks it fuzzy (and
    msgfmt then leaves it out): drop the guess so the dictionaries above fill the entry."""
    lines = entry.split("\n")
    flags = [line for line in lines if line.startswith("#,")]
    if not any("fuzzy" in line for line in flags) or 'msgid ""\nmsgstr ""\n"Project' in entry:
        return entry
    kept: list[str] = []
    in_msgstr = False
    for line in lines:
        if line.startswith("#|"):
            continue
        if line.startswith("#,"):
            rest = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
            if rest:
                kept.append("#, " + ", ".join(rest))
            continue
        if line.startswith("msgstr"):
            in_msgstr = True
            kept.append(line.split(" ", 1)[0] + ' ""')
            continue
        if in_msgstr and line.startswith('"'):
            continue
        in_msgstr = False
        kept.append(line)
    return "\n".join(kept)


def _context(match: re.Match[str]) -> str:
    """The msgctxt of an entry (the line before its msgid: {% translate "范围" context "scope" %}),
    or ""."""
    start = match.string.rfind("\n", 0, max(0, match.start() - 1)) + 1
    line = match.string[start : match.start()]
    return _unquote(line[len("msgctxt ") :]) if line.startswith("msgctxt ") else ""


def main() -> None:
    text = "\n\n".join(_unfuzz(entry) for entry in PO.read_text(encoding="utf-8").split("\n\n"))
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        msgid = _unquote(match.group(1))
        if not msgid:
            return match.group(0)
        context = _context(match)
        english = CONTEXT_ENGLISH.get((context, msgid)) if context else ENGLISH.get(msgid)
        if english is None:
            if not _unquote(match.group(2)):
                missing.append(msgid)
            return match.group(0)
        return f'msgid {match.group(1)}msgstr "{english.replace(chr(34), chr(92) + chr(34))}"\n'

    def fill_plural(match: re.Match[str]) -> str:
        msgid = _unquote(match.group(1))
        forms = PLURAL_ENGLISH.get(msgid)
        if forms is None:
            missing.append(msgid)
            return match.group(0)
        one, many = (_quoted(form) for form in forms)
        return f"msgid {match.group(1)}msgid_plural {match.group(2)}msgstr[0] {one}\nmsgstr[1] {many}\n"

    text = _PLURAL_ENTRY.sub(fill_plural, text)
    PO.write_text(_ENTRY.sub(fill, text).replace("#, fuzzy\n", "", 1), encoding="utf-8")
    if missing:
        raise SystemExit("untranslated:\n" + "\n".join(missing))


if __name__ == "__main__":
    main()
