"""Distribute stage: `storycheck add --dask` runs the same stage functions on Dask workers."""

from ._dask import ModelPlugin, add_distributed, connect

__all__ = ["ModelPlugin", "add_distributed", "connect"]
