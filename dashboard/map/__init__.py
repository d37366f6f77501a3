"""Map: the folium map, its layers, legend and offline assets."""
