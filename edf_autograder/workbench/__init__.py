"""The tutors' workbench (`grader.py review serve OUT`) and the decisions store every report reads.

- store, schema: the decisions (SQLite in OUT/review.sqlite), decide: changes to them, one transaction each;
- flags: decisions on flags (cleared, or confirmed with a points change), laid over the items;
- fingerprint: what an automatic item was graded on, so that an override holds for that answer only;
- scores: a record with the decisions laid over it, the one view grades.csv, feedback pages,
  Gradescope, JUnit and the LMS exports are written from; publish: writes those files again;
- answers, grouping: what waits for a person, per item, grouped so that one decision grades many;
- attention, overview: flags, errors and handwritten pages; measured values against their limits;
- batch, views, student, app, server: the web application over an output folder.
"""
