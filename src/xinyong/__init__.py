"""xinyong (信用): a public credit information platform driven by a policy pack."""

__version__ = "0.1.0"
