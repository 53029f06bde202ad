raise RuntimeError("this script cannot load")
