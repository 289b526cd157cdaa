"""The cooperation record (issue 14): people-to-people activities of the Thai border districts with their
parallel areas across the border, and what they change.

- taxonomy: activity types, sides, kinds of participant (Thai and English labels)
- record:   checking and storing one activity (entry form, import and demo generator share it)
- summary:  reads for the Cooperation page, the map's partnership lines and the model-site criteria
"""
