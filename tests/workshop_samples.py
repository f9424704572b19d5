"""A sample workshop file for the workshop tests: one workshop in Mexico City, `{capacity}` seats."""

CDMX = """\
workshops:
  - id: cdmx
    title: Negocia tu salario
    description: Aprende a negociar.
    start: 2027-03-09 18:00:00
    end: 2027-03-09 20:00:00
    timezone: America/Mexico_City
    place: Calle Ejemplo 1, Ciudad de México
    state: Ciudad de México
    capacity: {capacity}
    childcare: true
    registration_closes: 2027-03-08 20:00:00
"""
