"""The shift's duties: attendance and its sheet, the night log and handover, work records and summaries, assessments."""
